"""Follow-ups in one conversation, through the REST channel of the real servers: the
user's own figures mid-conversation, corrections of every kind, places that keep
their roles, going back to the insured place, a statement said back."""

import uuid

from bench.real_questions import reply_of
from bench.rest import say


class Chat:
    """One user talking to the assistant."""

    def __init__(self, assistant):
        self.url = assistant.url
        self.user = f"e2e-followup-{uuid.uuid4().hex[:10]}"

    def __call__(self, message: str) -> str:
        return reply_of(say(self.url, self.user, message))


def test_own_figures_mid_conversation_and_every_kind_of_correction(assistant):
    chat = Chat(assistant)
    chat("住院费用一般能报多少")
    first = chat("我是周口的新农合，在上海住院花了6万，起付线1500，报55%")
    # (60000 - 1500) x 55% = 32175, at once: nothing asked
    assert "得32,175元" in first and "？" not in first.split("\n")[0]
    assert "得34,925元" in chat("改一下，花的是6万5")  # (65000 - 1500) x 55%
    lowered = chat("那按降10个点算，能报多少？")
    assert "得28,575元（按你说的降10个百分点）" in lowered  # (65000 - 1500) x 45%
    # the reduction said stays in the case: (65000 - 1500) x (60% - 10 points)
    assert "得31,750元（按你说的降10个百分点）" in chat("我说错了，比例是60%")
    where = chat("上海算跨省吧，要备案吗")
    assert "你是河南周口参保、在上海看病，属于跨省异地就医" in where


def test_a_statement_of_oneself_after_an_estimate_recomputes_it(assistant):
    chat = Chat(assistant)
    chat("我们这起付线1000，比例60%，住院花了5万")
    not_filed = chat("我没备案，自己跑去外省看的")
    assert "【估算】" in not_filed and "最多降20个百分点" in not_filed


def test_places_already_known_keep_their_roles(assistant):
    chat = Chat(assistant)
    first = chat("我在上海退休的，现在在哈尔滨老家住院")
    assert "你是上海参保、在黑龙江哈尔滨看病" in first
    which = chat("比例按上海还是按哈尔滨？")
    assert "你是上海参保、在黑龙江哈尔滨看病" in which and "本地就医" not in which
    kunshan = Chat(assistant)
    kunshan("我是上海退休职工，在昆山住院花了1万，起付线按1200、比例按92%算")
    assert "属于跨省异地就医" in kunshan("昆山算跨省吗？")


def test_going_back_home_after_a_filing_is_not_a_local_visit(assistant):
    chat = Chat(assistant)
    chat("我是周口的居民医保，在苏州长期居住，备案办好了")
    back = chat("备案了回老家周口看病受影响吗？")
    assert "双向享受" in back and "本地就医" not in back


def test_a_statement_of_the_case_is_said_back(assistant):
    chat = Chat(assistant)
    said = chat("我是深圳职工医保，回老家揭阳生孩子")
    assert "广东深圳参保" in said and "揭阳" in said and "省内" in said
