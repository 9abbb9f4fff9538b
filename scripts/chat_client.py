"""Terminal chat with the assistant through its REST channel.

Buttons are shown as numbered choices; typing the number picks one; an estimate is
shown as a table. Lines are wrapped by display width (a CJK character takes two
columns; closing punctuation never starts a line), to the terminal's width, or 76
columns in a pipe; no escape codes are printed. Ctrl-D, 再见 or 退出 ends the chat.
Only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
import unicodedata
import urllib.error
import urllib.request
import uuid

GOODBYE_WORDS = {"再见", "拜拜", "退出", "quit", "exit", "bye"}
ASK = "你："
BOT = "助手："
WIDTH = 76
# Punctuation that must not start a line (禁则): it stays at the end of the line before.
_NO_LINE_START = set("，。、；：？！）》」』】…,.;:?!)")
TABLE_ROWS = (
    ("总费用", "total"),
    ("政策范围内费用", "policy_amount"),
    ("医保基金约支付", "fund"),
    ("自己负担约", "own"),
)


def read_line(prompt: str, stdin=None, stdout=None) -> str:
    """One line from the user after the prompt. From a pipe nothing is echoed, so
    the line is written after the prompt: the transcript keeps prompt and answer on
    separate lines (你：问题 / 助手：…), never 你：助手：."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if stdin.isatty() and stdin is sys.stdin:
        return input(prompt).strip()
    stdout.write(prompt)
    line = stdin.readline()
    if not line:
        raise EOFError
    stdout.write(line if line.endswith("\n") else line + "\n")
    stdout.flush()
    return line.strip()


def terminal_width() -> int:
    """The terminal's width (40 to 100 columns), or WIDTH when not a terminal."""
    if not sys.stdout.isatty():
        return WIDTH
    return max(40, min(100, shutil.get_terminal_size((WIDTH, 24)).columns))


def display_width(text: str) -> int:
    """Columns a text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int = WIDTH, indent: str = "  ") -> list[str]:
    """Wrap by display width, keeping the text's own line breaks."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            too_wide = display_width(indent + line + char) > width
            if too_wide and line and char not in _NO_LINE_START:
                lines.append(indent + line)
                line = ""
            line += char
        lines.append(indent + line)
    return lines


def send(url: str, sender: str, message: str) -> list[dict]:
    """Send one message to the REST channel; the bot's replies."""
    body = json.dumps({"sender": sender, "message": message}).encode("utf-8")
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode("utf-8"))


def _yuan(value: str) -> str:
    return f"{float(value):,.2f}元"


def estimate_table(card: dict, indent: str = "  ") -> list[str]:
    """An estimate card as aligned rows: label, then the amount (or the range)."""
    rows = []
    said = card.get("readable") or {}  # the server's wording: 5万元, 约2.9万～3.9万元
    for label, key in TABLE_ROWS:
        value = card.get(key)
        if value is None:
            continue
        if said.get(key):
            value = said[key]
        elif isinstance(value, list):
            low, high = value
            value = _yuan(low) if low == high else f"{_yuan(low)} ～ {_yuan(high)}"
        else:
            value = _yuan(value)
        rows.append((label, value))
    label_width = max((display_width(label) for label, _ in rows), default=0)
    rule = indent + "-" * (label_width + 2 + max(len(v) for _, v in rows))
    lines = [rule]
    for label, value in rows:
        pad = " " * (label_width - display_width(label))
        lines.append(f"{indent}{label}{pad}  {value}")
    return lines + [rule]


def show(replies: list[dict], width: int = WIDTH) -> list[dict]:
    """Print the replies; the buttons of the last reply that has some."""
    buttons: list[dict] = []
    for reply in replies:
        if reply.get("text"):
            print(BOT)
            print("\n".join(wrap(reply["text"], width)))
        card = (reply.get("custom") or {}).get("data") or {}
        if card.get("type") == "estimate" and card.get("fund"):
            print("\n".join(estimate_table(card)))
        if reply.get("buttons"):
            buttons = reply["buttons"]
            for number, button in enumerate(buttons, start=1):
                print(f"  [{number}] {button.get('title', '')}")
    if buttons:
        print(textwrap.indent("（输入编号选择）", "  "))
    return buttons


def main() -> int:
    """Run the chat loop."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    args = parser.parse_args()
    sender = f"shell-{uuid.uuid4().hex[:12]}"
    print(
        "异地医保助手：你好！请问医保在外地使用有什么问题？（Ctrl-D 或输入“再见”“退出”结束）"
    )
    buttons: list[dict] = []
    while True:
        try:
            text = read_line(ASK)
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not text:
            continue
        message = text
        if text.isdigit() and buttons and 1 <= int(text) <= len(buttons):
            message = buttons[int(text) - 1].get("payload", text)
        try:
            buttons = show(send(args.url, sender, message), terminal_width())
        except (urllib.error.URLError, OSError) as error:
            print(f"  （暂时连不上助手：{error}。请稍后再试。）")
        if text.lower() in GOODBYE_WORDS:
            return 0


if __name__ == "__main__":
    sys.exit(main())
