"""Terminal chat with the assistant through its REST channel.

Buttons are shown as numbered choices; typing the number picks one. Ctrl-D, 再见 or
退出 ends the chat. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
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


def display_width(text: str) -> int:
    """Columns a text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int = WIDTH, indent: str = "  ") -> list[str]:
    """Wrap by display width, keeping the text's own line breaks."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if display_width(indent + line + char) > width:
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


def show(replies: list[dict]) -> list[dict]:
    """Print the replies; the buttons of the last reply that has some."""
    buttons: list[dict] = []
    for reply in replies:
        if reply.get("text"):
            print(BOT)
            print("\n".join(wrap(reply["text"])))
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
            text = input(ASK).strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not text:
            continue
        message = text
        if text.isdigit() and buttons and 1 <= int(text) <= len(buttons):
            message = buttons[int(text) - 1].get("payload", text)
        try:
            buttons = show(send(args.url, sender, message))
        except (urllib.error.URLError, OSError) as error:
            print(f"  （暂时连不上助手：{error}。请稍后再试。）")
        if text.lower() in GOODBYE_WORDS:
            return 0


if __name__ == "__main__":
    sys.exit(main())
