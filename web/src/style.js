// The chat's look: the widget panel, and the WeChat-style window (title bar, green
// bubbles on the right for the user, white on the left for the assistant, avatars,
// time stamps between groups, input bar). Injected by the script: one tag is enough.
export const STYLE = `
.yy-root{font-family:-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;font-size:15px;color:#111;display:flex;flex-direction:column;background:#ededed;box-sizing:border-box}
.yy-root *{box-sizing:border-box}
.yy-header{display:flex;align-items:center;justify-content:center;gap:8px;padding:10px 12px;background:#ededed;border-bottom:1px solid #d9d9d9;position:relative}
.yy-title{font-size:17px;font-weight:600;margin:0}
.yy-elder,.yy-close{position:absolute;right:10px;top:50%;transform:translateY(-50%);border:1px solid #aaa;background:#fff;border-radius:6px;padding:4px 8px;font-size:13px;cursor:pointer}
.yy-close{left:auto;right:8px;font-size:20px;line-height:1;padding:2px 9px;z-index:2;top:22px}
.yy-status{font-size:13px;text-align:center;color:#555;min-height:0}
.yy-offline .yy-status{background:#fde2e2;color:#a40000;padding:6px}
.yy-log{flex:1;overflow-y:auto;overflow-x:hidden;padding:10px 12px;outline:none;position:relative;min-height:0}
.yy-time{text-align:center;font-size:12px;color:#888;margin:8px 0}
.yy-row{display:flex;align-items:flex-start;gap:8px;margin:10px 0}
.yy-user{flex-direction:row-reverse}
.yy-avatar{flex:none;width:36px;height:36px;border-radius:6px;display:flex;align-items:center;justify-content:center;font-weight:600;color:#fff;background:#2f7de1}
.yy-user .yy-avatar{background:#07c160}
.yy-bubble{max-width:min(78%,720px);min-width:0;padding:8px 11px;border-radius:6px;background:#fff;line-height:1.55;word-break:break-word;overflow-wrap:anywhere;position:relative}
.yy-user .yy-bubble{background:#95ec69}
.yy-text p{margin:0 0 4px}
.yy-list{margin:2px 0 6px;padding-left:22px}
.yy-text a{color:#0b57d0}
.yy-buttons{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}
.yy-choice{border:1px solid #07c160;color:#06ad56;background:#fff;border-radius:16px;padding:5px 12px;font-size:14px;cursor:pointer}
.yy-choice:focus,.yy-send:focus,.yy-launcher:focus,.yy-elder:focus,.yy-copy:focus,.yy-close:focus,.yy-field:focus{outline:3px solid #f5a623;outline-offset:1px}
.yy-copy{margin-top:6px;border:none;background:none;color:#576b95;font-size:13px;cursor:pointer;padding:0}
.yy-card{margin-top:8px;border:1px solid #cfe8d6;border-radius:6px;background:#f6fff8;padding:6px;max-width:100%;overflow:hidden}
.yy-card-table{border-collapse:collapse;width:100%;table-layout:fixed}
.yy-card-table th{text-align:left;font-weight:500;color:#444;padding:3px 6px;width:45%;overflow-wrap:anywhere}
.yy-card-table td{text-align:right;font-weight:600;padding:3px 6px;overflow-wrap:anywhere}
.yy-card-note{font-size:12px;color:#555;margin:4px 0 0}
.yy-typing{font-size:13px;color:#666;padding:0 14px 6px}
.yy-input{display:flex;gap:8px;padding:8px 10px;background:#f7f7f7;border-top:1px solid #d9d9d9}
.yy-field{flex:1;min-width:0;resize:none;border:1px solid #ccc;border-radius:6px;padding:8px;font:inherit;min-height:40px;max-height:120px}
.yy-send{flex:none;background:#07c160;color:#fff;border:none;border-radius:6px;padding:0 16px;font-size:15px;cursor:pointer;min-height:40px}
.yy-wechat{position:fixed;inset:0;height:100%;overflow:hidden}
.yy-large{font-size:20px}
.yy-large .yy-bubble{background:#fff;color:#000;border:2px solid #000}
.yy-large .yy-user .yy-bubble{background:#b7f5a0}
.yy-large .yy-title{font-size:22px}
.yy-large .yy-choice,.yy-large .yy-send,.yy-large .yy-field{font-size:20px}
.yy-launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:none;background:#07c160;color:#fff;font-size:22px;font-weight:700;box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer;z-index:2147483000}
.yy-panel{position:fixed;right:20px;bottom:90px;width:380px;height:600px;max-height:calc(100vh - 110px);border-radius:10px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.3);z-index:2147483000;display:flex;flex-direction:column}
.yy-panel[hidden],.yy-launcher[hidden]{display:none}
.yy-header{padding-right:48px;padding-left:48px}
@media (max-width:480px){.yy-panel{right:0;left:0;bottom:0;top:0;width:auto;height:auto;max-height:none;border-radius:0}.yy-launcher{right:14px;bottom:14px}}
`;
