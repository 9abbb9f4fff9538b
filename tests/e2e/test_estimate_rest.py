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
    assert "减去起付线1,000元" in text and "乘以报销比例80%，得29,400～39,200元" in text
    assert "医保基金估计支付约2.9万～3.9万元" in text
    assert ".00元" not in text and len(text.split("\n")) <= 12
    assert "看上海的目录" in text and "看广州的政策" in text
    cards = [m["custom"]["data"] for m in chat.last if "custom" in m]
    assert cards and cards[0]["fund"] == ["29400.00", "39200.00"]
    assert cards[0]["readable"]["fund"] == "约2.9万～3.9万元"  # as people read it
    # corrections recompute with the rest kept
    assert "【估算】广州职工医保（退休），三级医院" in chat("其实我退休了")
    assert "【估算】广州职工医保（退休），二级医院" in chat("不对，是二级医院")
    assert "减去目录外自费8,000元，政策范围内费用4.2万元" in chat("其中自费药8000")
    assert "总费用12万元" in chat("总共是12万")


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
    # 南京's resident numbers are not known: no more questions, the national range
    result = chat("两万多")
    assert "你说的是“两万多”，按2万元算" in result
    assert "没查到南京的起付线、报销比例，下面按全国平均粗算" in result
    assert "住院起付线数字" not in result and "算不出" not in result


def test_the_users_own_figures_are_used_and_said_to_be_theirs(assistant):
    chat = Conversation(assistant)
    first = chat(
        "我是拉萨的职工，退休了，在成都三级医院住院花了3万，长期居住备案，能报多少"
    )
    assert "按全国平均粗算" in first  # 拉萨 has no figures of its own
    result = chat("起付线1000元，报销比例80%")
    assert "起付线1,000元、报销比例80%（你提供的数字）" in result
    assert "医保基金估计支付约2.3万元" in result


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
    assert "总费用5万元" in result and "目录外自费2,000元" in result


def test_the_users_own_figures_need_no_place(assistant):
    chat = Conversation(assistant)
    result = chat(
        "退休职工，异地安置备案，外省二级医院住院8万，我们那起付线800、比例85%，能报多少"
    )
    assert "在哪里参保" not in result and "不太确定" not in result
    # (80000 - 800) x 85% = 67320
    assert "得67,320元" in result and "医保基金估计支付约6.7万元" in result
    assert "（你提供的数字）" in result


def test_any_city_or_county_answers_the_place_question(assistant):
    for place in ("洛阳", "温州", "赣州", "河南洛阳", "昆山"):
        chat = Conversation(assistant)
        assert "在哪里参保" in chat("帮我算算能报多少")
        answer = chat(place)
        assert "职工医保，还是城乡居民医保" in answer, (place, answer)
        assert "不在我能回答的范围" not in answer
