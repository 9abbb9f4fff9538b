"""Both pages on a phone (390x844, touch) and on a desktop, as people use them
(issue 14): nothing covers 发送 and tapping it sends; every page fits the screen; a
reply is read from its start; a pressed button is shown by its title, live and
after a reload; 复制给家人 only on answers; starter questions; a favicon; no console
error. Screenshots go to results/screenshots/."""

from __future__ import annotations

import urllib.request

import pytest

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
LONG_QUESTION = (
    "我是周口的城乡居民医保，在上海三甲医院住院花了6万，已经备案了，能报多少"
)


def open_page(browser, pages, path, viewport, touch):
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", has_touch=touch, is_mobile=touch
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{pages}/{path}")
    if path == "index.html":
        launcher = page.get_by_role("button", name="打开异地医保助手")
        launcher.tap() if touch else launcher.click()
    page.wait_for_selector(".yy-bot .yy-bubble")
    return context, page, errors


def send_by_button(page, text, touch):
    """Type, then tap (or click) 发送; the reply's first bubble."""
    before = page.locator(".yy-bot .yy-bubble").count()
    page.get_by_label("输入你的问题").fill(text)
    send = page.get_by_role("button", name="发送")
    send.tap() if touch else send.click()
    page.wait_for_function(
        f"document.querySelectorAll('.yy-bot .yy-bubble').length > {before}",
        timeout=30000,
    )
    page.wait_for_timeout(400)  # the rest of a multi-message reply
    return page.locator(".yy-bot .yy-bubble").nth(before)


def send_is_on_top(page) -> bool:
    """Whether the element at the centre of 发送 is 发送 itself."""
    return page.evaluate(
        """() => {
            const send = document.querySelector('.yy-send');
            const box = send.getBoundingClientRect();
            const hit = document.elementFromPoint(box.x + box.width / 2,
                                                  box.y + box.height / 2);
            return hit === send || send.contains(hit);
        }"""
    )


def fits(page) -> bool:
    """No horizontal scrolling: the page is as wide as the screen."""
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth"
        " && document.body.scrollWidth <= window.innerWidth"
    )


def inside_bubbles(page) -> bool:
    """Every card, table and text stays inside its bubble."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.yy-bubble')].every(b => {
            const outer = b.getBoundingClientRect();
            return [...b.querySelectorAll('*')].every(c => {
                const r = c.getBoundingClientRect();
                return r.width === 0 || r.right <= outer.right + 1;
            });
        })"""
    )


CASES = [
    ("index.html", "phone", PHONE, True),
    ("wechat.html", "phone", PHONE, True),
    ("index.html", "narrow", NARROW, True),
    ("wechat.html", "narrow", NARROW, True),
    ("index.html", "desktop", DESKTOP, False),
    ("wechat.html", "desktop", DESKTOP, False),
]


@pytest.mark.parametrize("path, size, viewport, touch", CASES)
def test_send_fits_and_a_reply_is_read_from_its_start(
    browser, pages, shots, path, size, viewport, touch
):
    context, page, errors = open_page(browser, pages, path, viewport, touch)
    assert send_is_on_top(page)
    assert fits(page)
    # the first screen: the greeting and three or four starter questions
    starters = page.locator(".yy-bot .yy-bubble").first.locator(".yy-choice")
    assert 3 <= starters.count() <= 4
    # tapping 发送 sends, and a long reply is shown from its start
    reply = send_by_button(page, LONG_QUESTION, touch)
    assert LONG_QUESTION in page.locator(".yy-user .yy-bubble").last.inner_text()
    assert "【估算】周口城乡居民医保" in reply.inner_text()
    top = reply.evaluate(
        """b => {
            const log = document.querySelector('.yy-log').getBoundingClientRect();
            const r = b.getBoundingClientRect();
            return r.top >= log.top - 1 && r.top < log.bottom;
        }"""
    )
    assert top, "the start of the reply is not in view"
    assert fits(page) and inside_bubbles(page) and send_is_on_top(page)
    if size == "desktop":
        widest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('.yy-bubble')]"
            ".map(b => b.getBoundingClientRect().width))"
        )
        assert widest <= 722
    page.screenshot(path=str(shots / f"{path.split('.')[0]}-{size}-reply.png"))
    assert errors == []
    context.close()


@pytest.mark.parametrize("path", ["index.html", "wechat.html"])
def test_a_pressed_button_is_its_title_live_and_after_a_reload(browser, pages, path):
    context, page, errors = open_page(browser, pages, path, PHONE, True)
    send_by_button(page, "我是江苏参保的，在上海住院能刷卡吗", True)
    before = page.locator(".yy-bot .yy-bubble").count()
    page.get_by_role("button", name="未备案").last.tap()
    page.wait_for_function(
        f"document.querySelectorAll('.yy-bot .yy-bubble').length > {before}",
        timeout=30000,
    )
    page.wait_for_timeout(400)
    live = page.locator(".yy-log").inner_text()
    assert "未备案" in page.locator(".yy-user .yy-bubble").last.inner_text()
    page.reload()
    if path == "index.html":
        page.get_by_role("button", name="打开异地医保助手").tap()
    page.wait_for_function(
        "document.querySelector('.yy-log') && "
        "document.querySelector('.yy-log').innerText.includes('在上海住院能刷卡吗')",
        timeout=30000,
    )
    page.wait_for_timeout(300)
    users = page.locator(".yy-user .yy-bubble").all_inner_texts()
    assert all(not text.strip().startswith("/") for text in users), users
    assert "未备案" in users[-1]
    reloaded = page.locator(".yy-log").inner_text()
    assert "/inform" not in reloaded
    # the same bubbles as before the reload (times aside)
    assert [line for line in reloaded.splitlines() if ":" not in line] == [
        line for line in live.splitlines() if ":" not in line
    ]
    assert errors == []
    context.close()


def test_copy_for_family_only_on_answers(browser, pages):
    context, page, errors = open_page(browser, pages, "wechat.html", PHONE, True)
    assert page.locator(".yy-copy").count() == 0  # not on the greeting
    send_by_button(page, "帮我算算能报多少", True)  # a one-line form question
    assert page.locator(".yy-copy").count() == 0
    send_by_button(page, "算了", True)
    send_by_button(page, "医保卡在外地能用吗", True)  # an answer
    assert page.locator(".yy-copy").count() == 1
    assert errors == []
    context.close()


def test_the_pages_have_a_favicon(pages):
    for name in ("favicon.ico", "favicon.svg"):
        with urllib.request.urlopen(f"{pages}/{name}", timeout=10) as response:
            assert response.status == 200 and response.read()
