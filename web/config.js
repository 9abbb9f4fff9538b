// Deployment configuration of the web chat, served with the pages. `server` is the
// origin of the assistant's Rasa server (for example "https://yibao.example.cn");
// empty means the page's own host on port 5005, as `make serve` runs it. The pages
// never take the server from their address: a link cannot point the chat elsewhere.
window.YidiYibaoConfig = { server: "" };
