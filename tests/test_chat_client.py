"""The terminal chat client: wrapping, numbered choices and the estimate table."""

import re

import pytest

from scripts.chat_client import display_width, estimate_table, show, wrap

CARD = {
    "type": "estimate",
    "total": "50000.00",
    "policy_amount": "50000.00",
    "fund": ["29400.00", "39200.00"],
    "own": ["10800.00", "20600.00"],
}


def test_lines_fit_the_width_and_punctuation_never_starts_one():
    text = "异地就医备案就是出发前向参保地医保部门登记要去哪里看病，网上就能办。" * 3
    lines = wrap(text, width=30)
    assert all(display_width(line) <= 31 for line in lines)
    assert not any(line.strip()[0] in "，。" for line in lines)
    assert "".join(line.strip() for line in lines) == text


def test_the_estimate_is_an_aligned_table():
    lines = estimate_table(CARD)
    assert lines[2] == "  政策范围内费用  50,000.00元"
    assert lines[3] == "  医保基金约支付  29,400.00元 ～ 39,200.00元"
    assert lines[4] == "  自己负担约      10,800.00元 ～ 20,600.00元"
    # the amounts start in one column, whatever the label's width
    starts = {
        display_width(line[: re.search(r"\d", line).start()]) for line in lines[1:-1]
    }
    assert len(starts) == 1


def test_the_table_uses_the_servers_wording_of_the_amounts():
    said = {
        **CARD,
        "readable": {
            "total": "5万元",
            "policy_amount": "5万元",
            "fund": "约2.9万～3.9万元",
            "own": "约1.1万～2.1万元",
        },
    }
    lines = estimate_table(said)
    assert lines[1] == "  总费用          5万元"
    assert lines[3] == "  医保基金约支付  约2.9万～3.9万元"
    assert ".00" not in "\n".join(lines)


def test_show_prints_text_choices_and_the_table_without_escape_codes(capsys):
    buttons = show(
        [
            {"text": "结果如下"},
            {"custom": {"data": CARD}},
            {"text": "选一个", "buttons": [{"title": "在职", "payload": "在职"}]},
        ]
    )
    out = capsys.readouterr().out
    assert "医保基金约支付  29,400.00元 ～ 39,200.00元" in out
    assert "  [1] 在职" in out and "（输入编号选择）" in out
    assert "\x1b" not in out
    assert buttons == [{"title": "在职", "payload": "在职"}]


def test_a_piped_question_keeps_prompt_and_answer_on_separate_lines():
    """Issue 14: with input from a pipe, the line read is written after the prompt,
    so the next 助手： starts a line of its own (was 你：助手：)."""
    import io

    from scripts.chat_client import read_line

    out = io.StringIO()
    piped = io.StringIO("医保卡在外地能用吗\n最后一行没有换行")
    assert read_line("你：", piped, out) == "医保卡在外地能用吗"
    assert read_line("你：", piped, out) == "最后一行没有换行"
    assert out.getvalue() == "你：医保卡在外地能用吗\n你：最后一行没有换行\n"
    with pytest.raises(EOFError):
        read_line("你：", piped, out)
