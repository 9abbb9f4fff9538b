// 异地医保助手 chat client: the embeddable widget (a bubble on any page) and the
// WeChat-style full-screen window share this code. It talks to Rasa's socket.io
// channel; the conversation survives a reload (rebuilt from the channel's history
// endpoint, /webhooks/socketio/history; Rasa's HTTP API stays closed to the public)
// and a server restart (it reconnects and says so while offline).
//
// Whose conversation: the server is set by the deployment (init's `server`, or
// window.YidiYibaoConfig.server from config.js served with the page), never by the
// page's URL, so no link can send the chat to another server. The session id is
// issued by that server (session_confirm) and kept per server: an id is only ever
// sent back to the server that issued it.
//
// Safety: nothing the bot or the user sends is ever parsed as HTML. Text is put in
// the page with textContent; a small formatting subset (line breaks, **bold**,
// numbered and dotted lists, http(s) links) is built element by element.
import { io } from "socket.io-client";
import { STYLE } from "./style.js";

const STORAGE_KEY = "yidi-yibao-session";
const TYPING_TIMEOUT_MS = 30000;
const TEXT = {
  title: "异地医保助手",
  open: "打开异地医保助手",
  close: "关闭对话",
  placeholder: "请输入你的问题",
  send: "发送",
  offline: "连接中断，正在重新连接…",
  online: "已重新连接",
  typing: "助手正在输入…",
  elder: "大字模式",
  copy: "复制给家人",
  copied: "已复制",
  fund: "医保基金约支付",
  own: "自己负担约",
  total: "总费用",
  policy: "政策范围内",
  yuan: "元",
  greeting: "你好！我可以回答医保在外地使用的问题，也能帮你估算能报多少。",
  chosen: "（选了一个选项）",
};

// The first screen's starter questions: set here, or by the deployment
// (init's `starters`, or window.YidiYibaoConfig.starters from config.js).
export const STARTERS = [
  "医保卡在外地能直接用吗",
  "怎么办异地就医备案",
  "没备案就住院了怎么报销",
  "帮我算算住院能报多少",
];

// Replies worth passing on to family: answers (with their 依据 or where to confirm)
// and estimates, not the form's one-line questions or the greeting.
function worthCopying(message) {
  return message.type === "estimate" || /依据|为准|【估算】/.test(message.text || "");
}

// The assistant server: what the deployment set, else the page's host on port 5005
// (make serve). The page's address (?server=...) is never read.
export function serverOf(options) {
  const config = window.YidiYibaoConfig || {};
  const chosen = options.server || config.server;
  const base = chosen || `${window.location.protocol}//${window.location.hostname}:5005`;
  return new URL(base, window.location.href).origin;
}

// Where the id one server issued is kept: each server has its own.
function storageKey(server) {
  return `${STORAGE_KEY}@${server}`;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// **bold** and http(s) links inside one line, as elements.
function inline(parent, line) {
  const pattern = /(\*\*[^*]+\*\*)|(https?:\/\/[^\s，。；）)]+)/g;
  let last = 0;
  let match;
  while ((match = pattern.exec(line)) !== null) {
    if (match.index > last) parent.appendChild(document.createTextNode(line.slice(last, match.index)));
    if (match[1]) {
      parent.appendChild(el("strong", "", match[1].slice(2, -2)));
    } else {
      const link = el("a", "", match[2]);
      link.href = match[2];
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
    }
    last = match.index + match[0].length;
  }
  if (last < line.length) parent.appendChild(document.createTextNode(line.slice(last)));
}

// Paragraphs, with runs of "1. " or "· " lines as lists.
export function formatText(text) {
  const box = el("div", "yy-text");
  let list = null;
  for (const line of String(text || "").split("\n")) {
    const numbered = /^\d+\.\s/.test(line);
    const dotted = /^[·•]\s?/.test(line);
    if (numbered || dotted) {
      const kind = numbered ? "ol" : "ul";
      if (!list || list.tagName.toLowerCase() !== kind) {
        list = el(kind, "yy-list");
        box.appendChild(list);
      }
      const item = el("li");
      inline(item, line.replace(/^\d+\.\s|^[·•]\s?/, ""));
      list.appendChild(item);
    } else {
      list = null;
      const p = el("p");
      inline(p, line);
      box.appendChild(p);
    }
  }
  return box;
}

function money(value) {
  return Number(value).toLocaleString("zh-CN", { minimumFractionDigits: 2 }) + TEXT.yuan;
}

function span(pair) {
  if (!pair) return "—";
  return pair[0] === pair[1] ? money(pair[0]) : money(pair[0]) + " ～ " + money(pair[1]);
}

function estimateCard(card) {
  const box = el("div", "yy-card");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "估算结果");
  const table = el("table", "yy-card-table");
  // the server's wording of the amounts (5万元, 约2.9万～3.9万元) where it sends one
  const said = card.readable || {};
  const rows = [
    [TEXT.total, said.total || money(card.total)],
    [TEXT.policy, said.policy_amount || money(card.policy_amount)],
    [TEXT.fund, said.fund || span(card.fund)],
    [TEXT.own, said.own || span(card.own)],
  ];
  for (const [label, value] of rows) {
    const tr = el("tr");
    tr.appendChild(el("th", "", label));
    tr.appendChild(el("td", "", value));
    table.appendChild(tr);
  }
  box.appendChild(table);
  for (const item of card.parameters || []) box.appendChild(el("p", "yy-card-note", item));
  return box;
}

function timeLabel(date) {
  return date.toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit" });
}

class Chat {
  constructor(root, options) {
    this.root = root;
    this.options = options;
    this.server = serverOf(options);
    this.storage = options.storage || window.localStorage;
    this.key = storageKey(this.server);
    this.id = this.storage.getItem(this.key); // issued by this server, or none yet
    this.confirmed = false;
    this.pending = []; // typed before the server confirmed the session
    this.lastTime = 0;
    this.typingTimer = null;
    this.question = null; // the row of the question whose reply is awaited
    this.replyTop = null; // the first reply row to that question
    this.build();
    this.connect();
  }

  build() {
    const wechat = this.options.mode === "wechat";
    this.root.classList.add("yy-root", wechat ? "yy-wechat" : "yy-widget");
    const header = el("div", "yy-header");
    header.appendChild(el("h1", "yy-title", this.options.title || TEXT.title));
    if (wechat) {
      const elder = el("button", "yy-elder", TEXT.elder);
      elder.type = "button";
      elder.setAttribute("aria-pressed", "false");
      elder.addEventListener("click", () => {
        const on = this.root.classList.toggle("yy-large");
        elder.setAttribute("aria-pressed", String(on));
      });
      header.appendChild(elder);
    }
    this.status = el("div", "yy-status");
    this.status.setAttribute("role", "status");
    this.log = el("div", "yy-log");
    this.log.setAttribute("role", "log");
    this.log.setAttribute("aria-live", "polite");
    this.log.setAttribute("aria-label", "对话记录");
    this.log.tabIndex = 0;
    this.typing = el("div", "yy-typing", TEXT.typing);
    this.typing.hidden = true;
    const form = el("form", "yy-input");
    this.input = el("textarea", "yy-field");
    this.input.rows = 1;
    this.input.maxLength = 500; // the channels refuse longer messages (channels/guard.py)
    this.input.placeholder = TEXT.placeholder;
    this.input.setAttribute("aria-label", "输入你的问题");
    const send = el("button", "yy-send", TEXT.send);
    send.type = "submit";
    form.appendChild(this.input);
    form.appendChild(send);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendText(this.input.value);
    });
    this.input.addEventListener("keydown", (event) => {
      // Enter while an input method is composing Chinese picks a word: no send.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.sendText(this.input.value);
      }
    });
    for (const part of [header, this.status, this.log, this.typing, form]) this.root.appendChild(part);
  }

  connect() {
    this.socket = io(this.server, { path: "/socket.io", transports: ["websocket", "polling"] });
    this.socket.on("connect", () => {
      this.socket.emit("session_request", { session_id: this.id });
      if (this.wasOffline) this.setStatus(TEXT.online, false);
    });
    this.socket.on("session_confirm", (confirmed) => {
      // Rasa sends the id itself; some servers send {session_id}
      const id = confirmed && confirmed.session_id ? confirmed.session_id : confirmed;
      if (typeof id !== "string" || !id) return;
      if (id !== this.id) {
        this.id = id;
        this.storage.setItem(this.key, id);
      }
      this.confirmed = true;
      for (const message of this.pending.splice(0)) this.emitText(message);
      if (!this.loaded) this.loadHistory();
    });
    this.socket.on("disconnect", () => {
      this.confirmed = false;
      this.wasOffline = true;
      this.setStatus(TEXT.offline, true);
    });
    this.socket.on("bot_uttered", (message) => this.showBot(message, new Date()));
  }

  setStatus(text, offline) {
    this.status.textContent = text;
    this.root.classList.toggle("yy-offline", offline);
    if (!offline) setTimeout(() => { if (this.status.textContent === text) this.status.textContent = ""; }, 3000);
  }

  async loadHistory() {
    this.loaded = true;
    this.greet();
    const titles = new Map(); // a button's payload -> its title, as it was shown
    try {
      const url = `${this.server}/webhooks/socketio/history?session_id=${encodeURIComponent(this.id)}`;
      const response = await fetch(url, { credentials: "omit" });
      if (!response.ok) throw new Error(String(response.status));
      const history = await response.json();
      for (const event of history.events || []) {
        const when = new Date((event.timestamp || 0) * 1000);
        if (event.event === "user" && event.text) {
          // a pressed button is shown by its title, as it was when pressed
          const raw = event.text.startsWith("/");
          this.showUser(titles.get(event.text) || (raw ? TEXT.chosen : event.text), when, true);
        }
        if (event.event === "bot") {
          const card = (event.custom && event.custom.data) || {};
          for (const button of event.buttons || []) titles.set(button.payload, button.title);
          this.showBot({ text: event.text, quick_replies: event.buttons, ...card }, when, true);
        }
      }
    } catch (error) {
      // no history (a new visitor, or the API is closed): start fresh
    }
    this.log.scrollTop = this.log.scrollHeight;
  }

  // The greeting and the starter questions: the first screen, and the top of a
  // conversation rebuilt after a reload, as it was before it.
  greet() {
    const config = window.YidiYibaoConfig || {};
    const starters = this.options.starters || config.starters || STARTERS;
    const buttons = starters.map((question) => ({ title: question, payload: question }));
    this.showBot({ text: TEXT.greeting, quick_replies: buttons }, new Date(), true);
  }

  stamp(when) {
    if (when.getTime() - this.lastTime > 5 * 60 * 1000) {
      this.log.appendChild(el("div", "yy-time", timeLabel(when)));
    }
    this.lastTime = when.getTime();
  }

  bubble(who, when) {
    this.stamp(when);
    const row = el("div", `yy-row yy-${who}`);
    const avatar = el("div", "yy-avatar", who === "bot" ? "保" : "我");
    avatar.setAttribute("aria-hidden", "true");
    const body = el("div", "yy-bubble");
    row.appendChild(avatar);
    row.appendChild(body);
    this.log.appendChild(row);
    return body;
  }

  showUser(text, when, fromHistory) {
    const body = this.bubble("user", when);
    body.appendChild(formatText(text));
    if (fromHistory) return;
    this.question = body.parentElement;
    this.replyTop = null;
    this.log.scrollTop = this.log.scrollHeight;
  }

  showBot(message, when, fromHistory) {
    if (!fromHistory) this.setTyping(false);
    const body = this.bubble("bot", when);
    if (message.text) body.appendChild(formatText(message.text));
    if (message.type === "estimate") body.appendChild(estimateCard(message));
    const buttons = message.quick_replies || message.buttons || [];
    if (buttons.length) {
      const group = el("div", "yy-buttons");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "可选回答");
      for (const button of buttons) {
        const choice = el("button", "yy-choice", button.title);
        choice.type = "button";
        choice.addEventListener("click", () => this.sendText(button.payload, button.title));
        group.appendChild(choice);
      }
      body.appendChild(group);
    }
    if (this.options.mode === "wechat" && message.text && worthCopying(message)) {
      const copy = el("button", "yy-copy", TEXT.copy);
      copy.type = "button";
      copy.addEventListener("click", async () => {
        const plain = body.querySelector(".yy-text").innerText;
        try {
          await navigator.clipboard.writeText(plain);
        } catch (error) {
          const area = el("textarea");
          area.value = plain;
          document.body.appendChild(area);
          area.select();
          document.execCommand("copy");
          area.remove();
        }
        copy.textContent = TEXT.copied;
      });
      body.appendChild(copy);
    }
    if (!fromHistory) this.showReply(body.parentElement);
  }

  // A reply is read from its start: the log shows the question just above the
  // first reply row (or the reply's top, when the question is tall), never the end
  // of a long reply. Later rows of the same reply do not move it.
  showReply(row) {
    if (this.replyTop) return;
    this.replyTop = row;
    const log = this.log;
    let top = this.question ? this.question.offsetTop : row.offsetTop;
    if (row.offsetTop - top > log.clientHeight / 3) top = row.offsetTop;
    log.scrollTop = Math.max(0, top - 8);
  }

  setTyping(on) {
    this.typing.hidden = !on;
    clearTimeout(this.typingTimer);
    if (on) this.typingTimer = setTimeout(() => this.setTyping(false), TYPING_TIMEOUT_MS);
  }

  sendText(text, shown) {
    const message = String(text || "").trim();
    if (!message) return;
    this.showUser(shown || message, new Date());
    this.input.value = "";
    this.setTyping(true);
    if (this.confirmed) this.emitText(message);
    else this.pending.push(message);
  }

  emitText(message) {
    this.socket.emit("user_uttered", { message, session_id: this.id });
  }

}

function addStyle() {
  if (document.getElementById("yy-style")) return;
  const style = el("style");
  style.id = "yy-style";
  style.textContent = STYLE;
  document.head.appendChild(style);
}

// The widget: a bubble at the bottom right that opens the chat panel.
function widget(options) {
  const launcher = el("button", "yy-launcher", "问");
  launcher.type = "button";
  launcher.setAttribute("aria-label", TEXT.open);
  launcher.setAttribute("aria-expanded", "false");
  const panel = el("div", "yy-panel");
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", TEXT.title);
  const close = el("button", "yy-close", "×");
  close.type = "button";
  close.setAttribute("aria-label", TEXT.close);
  panel.appendChild(close);
  document.body.appendChild(panel);
  document.body.appendChild(launcher);
  let chat = null;
  const toggle = (open) => {
    panel.hidden = !open;
    // the panel has its own close control: the launcher would lie over it (and
    // over 发送 on a phone, where the panel fills the screen)
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) {
      chat = chat || new Chat(panel, options);
      chat.input.focus();
    } else {
      launcher.focus();
    }
  };
  launcher.addEventListener("click", () => toggle(panel.hidden));
  close.addEventListener("click", () => toggle(false));
  panel.addEventListener("keydown", (event) => { if (event.key === "Escape") toggle(false); });
  if (options.open) toggle(true);
  return { open: () => toggle(true), close: () => toggle(false), chat: () => chat };
}

export function init(options = {}) {
  addStyle();
  if (options.mode === "wechat") {
    const root = options.element || document.body.appendChild(el("div"));
    const chat = new Chat(root, options);
    return { chat: () => chat };
  }
  return widget(options);
}

window.YidiYibao = { init, formatText, serverOf, STARTERS };
