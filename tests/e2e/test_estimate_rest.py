"""The estimate through the REST channel, as a user has it."""

import uuid

from bench.rest import reply_text, say


class Conversation:
    """One user talking to the assistant."""

    def __init__(self, assistant):
        self.url = assistant.url
        self.user = f"e2e-estimate-{uuid.uuid4().hex[:10]}"
        self.last: list[dict] = []

    def __call__(self, message: str) -> str:
        self.last = say(self.url, self.user, message)
        return reply_text(self.last)


def test_every_fact_in_one_message_gives_the_estimate_at_once(assistant):
    chat = Conversation(assistant)
    text = chat(
        "我是广州的职工医保，在职，在上海一家三甲医院住院花了5万，已经备案了，大概能报多少？"
    )
    assert "【估算】广州职工医保（在职），三级医院" in text
    assert "减去起付线1,000.00元" in text and "乘以报销比例80%" in text
    assert "医保基金大约支付29,400.00～39,200.00元" in text
    assert "看上海的目录" in text and "看广州的政策" in text
    cards = [m["custom"]["data"] for m in chat.last if "custom" in m]
    assert cards and cards[0]["fund"] == ["29400.00", "39200.00"]
    # corrections recompute with the rest kept
    assert "【估算】广州职工医保（退休），三级医院" in chat("其实我退休了")
    assert "【估算】广州职工医保（退休），二级医院" in chat("不对，是二级医院")


def test_the_form_asks_what_is_missing_one_question_at_a_time(assistant):
    chat = Conversation(assistant)
    assert "在哪里参保" in chat("帮我算算能报多少")
    assert "职工医保，还是城乡居民医保" in chat("南京")
    # a question on the way is answered, then the form asks again
    answer = chat("异地就医备案怎么办")
    assert "江苏医保云" in answer and "职工医保，还是城乡居民医保" in answer
    assert "几级医院" in chat("城乡居民医保")
    assert "备案的情况" in chat("二级")
    assert "总共花了多少钱" in chat("随子女定居")
    assert "没看到金额" in chat("很多钱")
    assert "住院起付线" in chat("两万多")  # 南京's resident numbers are not known
    assert "住院报销比例" in chat("不知道")
    result = chat("不知道")
    assert "你说的是“两万多”，按20,000.00元算" in result
    assert "缺少起付线、报销比例，算不出医保支付的金额" in result


def test_the_users_own_figures_are_used_and_said_to_be_theirs(assistant):
    chat = Conversation(assistant)
    chat("我是拉萨的职工，退休了，在成都三级医院住院花了3万，长期居住备案，能报多少")
    chat("1000元")
    result = chat("80%")
    assert "起付线1,000.00元（你提供的数字）" in result
    assert "医保基金大约支付23,200.00元" in result


def test_cancel_stops_the_form(assistant):
    chat = Conversation(assistant)
    chat("帮我算算能报多少")
    assert "不算了" in chat("算了")
    # the conversation goes on with no form in the way
    assert "备案" in chat("医保卡在外地能用吗")


def test_the_total_with_other_numbers_around_it_is_read_right(assistant):
    chat = Conversation(assistant)
    for answer in (
        "帮我算算能报多少",
        "广州",
        "职工医保",
        "在职",
        "三级",
        "随子女定居",
    ):
        chat(answer)
    result = chat("2023年住了10天，5万，自费2000")
    assert "【估算】广州职工医保（在职），三级医院" in result
    assert "总费用：50,000.00元" in result and "2,000.00" in result
