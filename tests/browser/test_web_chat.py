"""The web chat widget and the WeChat-style window, used as people use them."""

import socket
import threading

import pytest

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
XSS = "<img src=x onerror=alert(1)>"


def open_page(browser, pages, assistant, path, viewport):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{pages}/{path}")
    return context, page, dialogs


class Listener:
    """A TCP port that records every connection made to it (an attacker's server)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self.accept, daemon=True)
        self.thread.start()

    def accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


def ask(page, text):
    bubbles = page.locator(".yy-bot .yy-bubble")
    before = bubbles.count()
    field = page.get_by_label("输入你的问题")
    field.fill(text)
    field.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('.yy-bot .yy-bubble').length > {before}",
        timeout=30000,
    )
    page.wait_for_timeout(300)  # the rest of a multi-message answer
    return bubbles.last


def test_widget_answers_buttons_reload_and_safe_text(browser, pages, assistant, shots):
    context, page, dialogs = open_page(browser, pages, assistant, "index.html", DESKTOP)
    launcher = page.get_by_role("button", name="打开异地医保助手")
    launcher.click()
    assert page.get_by_role("dialog", name="异地医保助手").is_visible()
    page.wait_for_selector(".yy-bot .yy-bubble")  # greeting or history

    answer = ask(page, "我是江苏参保的，在上海住院能刷卡吗")
    assert "备案" in page.locator(".yy-log").inner_text()
    page.get_by_role("button", name="未备案").last.click()
    page.wait_for_function(
        "[...document.querySelectorAll('.yy-bot .yy-bubble')].some("
        "b => b.innerText.startsWith('未备案'))",
        timeout=30000,
    )
    assert answer.is_visible()

    # markup typed by the user is shown as text and never runs
    ask(page, XSS)
    user_bubbles = page.locator(".yy-user .yy-bubble")
    assert XSS in user_bubbles.last.inner_text()
    assert page.locator(".yy-log img").count() == 0
    assert dialogs == []
    page.screenshot(path=str(shots / "widget-desktop.png"))

    # a reload keeps the conversation: rebuilt from the server's tracker
    page.reload()
    page.get_by_role("button", name="打开异地医保助手").click()
    page.wait_for_function(
        "document.querySelector('.yy-log') && "
        "document.querySelector('.yy-log').innerText.includes('在上海住院能刷卡吗')",
        timeout=30000,
    )
    assert page.locator(".yy-log img").count() == 0
    context.close()


def test_enter_while_composing_chinese_does_not_send(browser, pages, assistant):
    context, page, _ = open_page(browser, pages, assistant, "index.html", DESKTOP)
    page.get_by_role("button", name="打开异地医保助手").click()
    field = page.get_by_label("输入你的问题")
    field.fill("yidi")
    sent_before = page.locator(".yy-user").count()
    field.evaluate(
        "f => f.dispatchEvent(new KeyboardEvent('keydown', "
        "{key: 'Enter', isComposing: true, bubbles: true, cancelable: true}))"
    )
    page.wait_for_timeout(300)
    assert page.locator(".yy-user").count() == sent_before
    assert field.input_value() == "yidi"
    context.close()


def test_widget_on_a_phone_and_by_keyboard(browser, pages, assistant, shots):
    context, page, _ = open_page(browser, pages, assistant, "index.html", PHONE)
    page.keyboard.press("Tab")  # the launcher is reachable by keyboard
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "打开异地医保助手"
    page.keyboard.press("Enter")
    panel = page.get_by_role("dialog", name="异地医保助手")
    box = panel.bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] >= PHONE["height"] * 0.9
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "输入你的问题"
    )
    page.wait_for_selector(".yy-bot .yy-bubble")
    page.screenshot(path=str(shots / "widget-phone.png"))
    page.keyboard.press("Escape")
    assert panel.is_hidden()
    context.close()


@pytest.mark.parametrize(
    "name, viewport", [("wechat-phone", PHONE), ("wechat-desktop", DESKTOP)]
)
def test_wechat_window_estimate_card_elder_mode_and_copy(
    browser, pages, assistant, shots, name, viewport
):
    context, page, dialogs = open_page(
        browser, pages, assistant, "wechat.html", viewport
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.wait_for_selector(".yy-bot .yy-bubble")
    ask(
        page,
        "我是广州的职工医保，在职，在上海一家三甲医院住院花了5万，已经备案了，大概能报多少？",
    )
    page.wait_for_selector(".yy-card", timeout=30000)
    card = page.locator(".yy-card").last.inner_text()
    assert "医保基金约支付" in card and "约2.9万～3.9万元" in card
    assert ".00" not in card  # amounts as people read them
    # the user's bubble is on the right, in green
    user = page.locator(".yy-user .yy-bubble").last
    color = user.evaluate("b => getComputedStyle(b).backgroundColor")
    assert color == "rgb(149, 236, 105)"
    mine = user.bounding_box()
    theirs = page.locator(".yy-bot .yy-bubble").first.bounding_box()
    assert mine["x"] + mine["width"] > viewport["width"] * 0.75  # on the right
    assert theirs["x"] < viewport["width"] * 0.25  # the assistant on the left
    # 复制给家人 copies the answer as plain text
    page.get_by_role("button", name="复制给家人").last.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "医保基金估计支付" in copied and "<" not in copied
    # elder-friendly mode: one tap, larger text
    before = page.locator(".yy-bubble").last.evaluate(
        "b => parseFloat(getComputedStyle(b).fontSize)"
    )
    page.get_by_role("button", name="大字模式").click()
    after = page.locator(".yy-bubble").last.evaluate(
        "b => parseFloat(getComputedStyle(b).fontSize)"
    )
    assert after > before
    page.screenshot(path=str(shots / f"{name}.png"))
    assert dialogs == []
    context.close()


def test_typing_indicator_and_reconnecting_after_the_connection_drops(
    browser, pages, assistant
):
    context, page, _ = open_page(browser, pages, assistant, "wechat.html", PHONE)
    page.wait_for_selector(".yy-bot .yy-bubble")
    # the indicator shows as the message leaves (checked in the same tick) ...
    shown = page.evaluate(
        """() => {
            const field = document.querySelector('.yy-field');
            field.value = '怎么备案';
            document.querySelector('.yy-input').requestSubmit();
            return !document.querySelector('.yy-typing').hidden;
        }"""
    )
    assert shown
    # ... and goes when the answer is there
    page.wait_for_selector(".yy-typing", state="hidden", timeout=30000)
    # offline: the page says so; back online: it reconnects and the chat goes on
    context.set_offline(True)
    page.wait_for_function(
        "document.querySelector('.yy-status').innerText.includes('连接中断')",
        timeout=30000,
    )
    context.set_offline(False)
    page.wait_for_function(
        "document.querySelector('.yy-status').innerText.includes('已重新连接')",
        timeout=60000,
    )
    ask(page, "医保卡在外地能用吗")
    assert "备案" in page.locator(".yy-bot .yy-bubble").last.inner_text()
    context.close()


@pytest.mark.parametrize("path", ["wechat.html", "index.html"])
def test_a_link_naming_another_server_sends_it_nothing(browser, pages, assistant, path):
    """wechat.html?server=<attacker> on the genuine site: the chat still talks to
    the deployment's server, and nothing (no id, no message) reaches the other."""
    attacker = Listener()
    try:
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        page.goto(f"{pages}/{path}?server=http://127.0.0.1:{attacker.port}")
        if path == "index.html":
            page.get_by_role("button", name="打开异地医保助手").click()
        page.wait_for_selector(".yy-bot .yy-bubble")
        answer = ask(page, "我的手机13812345678，医保卡在外地能用吗")
        assert "备案" in answer.inner_text()
        page.wait_for_timeout(500)
        assert attacker.connections == 0
        # the id the server issued is kept for that server only
        stored = page.evaluate("Object.keys(localStorage)")
        assert stored == [f"yidi-yibao-session@{assistant.url}"]
        context.close()
    finally:
        attacker.close()
