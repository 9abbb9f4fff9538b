"""Points people ask that the topic's summary does not answer: a lost card, going
back to the insured place after a filing, what moves in a transfer, family use of
the e-voucher, a job left; and the narrower topic a question names."""

import pytest

from assistant.answers.policy import compose
from assistant.case import Case
from assistant.conversation import resolve_regions
from assistant.facets import facet_of, narrower_topic
from assistant.people import patient_of
from assistant.understand import implied_scheme


def answer_text(kb, gazetteer, topic, text, insured=None, treatment=None, **more):
    case = Case(
        insured=gazetteer.resolve(insured) if insured else None,
        treatment=gazetteer.resolve(treatment) if treatment else None,
        scheme=more.pop("scheme", implied_scheme(text)),
        **more,
    )
    args = compose(kb, gazetteer, kb.topics[topic], case, facet_of(text)).arguments
    return "".join(args.values())


@pytest.mark.parametrize(
    "topic, text",
    [
        ("social_card", "社保卡丢了怎么补办"),
        ("social_card", "社会保障卡没了怎么办理"),
        ("card_elsewhere", "医保卡找不到了该如何补办"),
    ],
)
def test_a_lost_card_is_reported_first_then_replaced(kb, gazetteer, topic, text):
    reply = answer_text(kb, gazetteer, topic, text)
    assert reply.startswith("社保卡丢了先挂失") and "12333" in reply
    assert "补卡" in reply and "医保电子凭证" in reply


def test_going_back_to_the_insured_place_after_a_filing_is_two_way(kb, gazetteer):
    reply = answer_text(
        kb, gazetteer, "card_elsewhere", "备案了回老家周口看病受影响吗", "周口", "周口"
    )
    assert "双向享受" in reply and "本地就医" not in reply
    assert reply.startswith("你是河南周口参保。能")
    question = "跨省长期居住人员备案后，回到原参保地医保还能再使用吗"
    assert "双向享受" in answer_text(kb, gazetteer, "filing_who", question)


def test_a_transfer_moves_the_record_and_the_account_not_the_pool(kb, gazetteer):
    reply = answer_text(kb, gazetteer, "transfer", "统筹基金可以转移吗？")
    assert "统筹基金不转移" in reply and "个人账户余额" in reply
    materials = answer_text(kb, gazetteer, "transfer", "医保从外地转到本地需要哪些手续")
    assert "参保凭证" in materials and "身份证件" in materials


def test_family_can_activate_the_e_voucher_for_the_old_and_the_young(kb, gazetteer):
    reply = answer_text(
        kb, gazetteer, "e_voucher", "老人、孩子无法自行激活医保电子凭证，该怎么办？"
    )
    assert "亲情账户" in reply and "5名" in reply
    assert "跨省" in answer_text(
        kb, gazetteer, "e_voucher", "医保电子凭证可以异地使用吗？"
    )


def test_a_job_left_is_the_employee_scheme(kb, gazetteer):
    reply = answer_text(kb, gazetteer, "lapse", "辞职了医保怎么处理")
    assert "灵活就业" in reply and "居民医保" in reply and "3个月" in reply
    assert implied_scheme("新农合断交了") == "resident"
    assert implied_scheme("医保断交了怎么办") is None


@pytest.mark.parametrize(
    "text, topic, expected",
    [
        ("农村医疗保险转院异地就医怎么报销", "rural_coop", "referral"),
        ("跨市区农村合作医疗怎么报销的", "rural_coop", "intra_province"),
        ("同省异地就医报销比例是多少", "ratio_difference", "intra_province"),
        ("要是急诊呢", "referral", "emergency"),
        ("新农合在外地能用吗", "rural_coop", None),
        ("医保卡的钱可以取出来吗", "account_balance", "cash_out"),
        ("社保卡在外地丢了怎么办", "card_elsewhere", "social_card"),
        ("看病忘带医保卡了怎么办", "pharmacy", "e_voucher"),
        ("医保卡为什么刷不了", "card_elsewhere", "settlement_failed"),
        ("老家交的医保怎么转过来", "filing_how", "transfer"),
        ("转诊去外地看病回来报销要什么材料", "referral", "manual_claim_materials"),
        ("外地看病忘了备案怎么办", "filing_how", "not_filed"),
        ("在外省生孩子先自己垫了钱", "settlement_failed", "manual_claim"),
        ("慢性病在外地怎么办", "card_elsewhere", "outpatient"),
        ("我妈的新农合能用我的医保报吗", "rural_coop", "family_account"),
        ("补缴的居民医保多久能用", "pay_contributions", "lapse"),
        ("没转诊自己去的外地医院怎么算", "not_filed", "referral"),
        ("转院到外地要备案吗", "pharmacy", None),  # not a broad topic
        ("住院那会儿没弄，能在手机上补吗？", "e_voucher", "not_filed"),
        ("医保卡掉了在网上能补吗", "e_voucher", "social_card"),
        (
            "合作医疗在外面住院回来报销要哪些单据",
            "rural_coop",
            "manual_claim_materials",
        ),
        ("农合的特种病在外地怎么看", "rural_coop", "outpatient"),
        ("新农合去年停买了今年还能买吗", "rural_coop", "lapse"),
        ("什么人可以办理异地就医备案", "filing_how", "filing_who"),
        ("哪些人可以帮老人办备案", "filing_how", None),  # for someone: filing_how
        ("在外地看病医保如何报销", "ratio_difference", "card_elsewhere"),
        ("在外地看病报销比例怎么算", "ratio_difference", None),
        ("农合的卡找不到了，看病怎么报", "rural_coop", "social_card"),
        ("个人账户里的余额能转到新城市吗", "account_balance", "transfer"),
        ("我的医保卡能给我妈用吗", "pay_contributions", "family_account"),
        ("换工作断了两个月，怎么补交", "pay_contributions", "lapse"),
        ("在外地打工怎么参加当地医保", "card_elsewhere", "enrol_outsider"),
        ("外地打工交的社保回家里住院能报吗", "enrol_outsider", "card_elsewhere"),
        ("医保卡里的钱到年底会清零吗", "card_elsewhere", "account_balance"),
        ("省内和外省报销有区别吗", "intra_province", None),  # 省内 vs 跨省 itself
        ("外地住院报销比例和本地有区别吗", "card_elsewhere", "ratio_difference"),
        # 工伤 is another scheme, from any topic (N13)
        ("工伤在外地住院能直接结算吗", "card_elsewhere", "work_injury"),
        ("工伤保险异地就医怎么备案", "filing_how", "work_injury"),
        ("工伤住院能报多少", "", "work_injury"),  # declined reading: no topic
        ("哪些地方能跨省直接结算", "filing_who", "coverage"),
        ("哪些省份可以直接结算住院费用", "card_elsewhere", "coverage"),
        ("哪些人能跨省直接结算", "filing_who", None),
        ("跨省住院结算能用个人账户付吗", "family_account", "account_balance"),
        ("个人账户在外地能直接刷吗", "card_elsewhere", "account_balance"),
        ("我的个人账户在外地能给我妈用吗", "family_account", None),
    ],
)
def test_a_broad_topic_gives_way_to_the_narrower_one_named(text, topic, expected):
    assert narrower_topic(text, topic) == expected


def test_the_intra_province_topic_of_a_cross_province_case_is_the_card(kb, gazetteer):
    reply = answer_text(
        kb, gazetteer, "intra_province", "我住廊坊燕郊，看病要备案吗", "北京", "廊坊"
    )
    assert "视同已备案" in reply and "省内跨市" not in reply


def test_places_already_in_the_case_keep_their_roles(gazetteer):
    entities = [
        {"entity": "region", "value": "310000"},
        {"entity": "region", "value": "230100"},
    ]
    # 比例按上海还是按哈尔滨？ (insured in 上海, treated in 哈尔滨)
    assert resolve_regions(entities, "310000", "230100", gazetteer) == (
        "310000",
        "230100",
    )
    # a new place still moves the treatment place: 那北京呢？
    beijing = [{"entity": "region", "value": "110000"}]
    assert resolve_regions(beijing, "310000", "230100", gazetteer) == (
        "310000",
        "110000",
    )


def test_the_family_one_lives_with_is_not_the_patient():
    assert patient_of("现在在上海跟女儿住，住院能直接刷吗") is None
    assert patient_of("那北京呢？儿子在北京") is None
    assert patient_of("儿子在北京住院，能直接结算吗") == "child"
    assert patient_of("我是退休职工，在外地跟孩子住") is None
    assert patient_of("住在儿子家，我爸要住院") == "parent"
    assert patient_of("孩子住院了") == "child"


def first_sentence(reply: str) -> str:
    return reply.split("。")[0]


@pytest.mark.parametrize(
    "topic, text, opening, more",
    [
        ("lapse", "医保断缴了怎么办", "尽快补缴", "等待期"),
        ("lapse", "医保忘交了怎么办", "尽快补缴", "3个月"),
        ("lapse", "医保逾期没交怎么办", "逾期没交就是断缴", "尽快补缴"),
        ("lapse", "新农合断交了怎么办", "尽快续保", "补缴能缩短"),
        ("lapse", "职工医保断缴了怎么办", "尽快补缴", "不设待遇等待期"),
        ("account_balance", "断缴后个人账户余额还能用吗", "能用", "余额仍归你"),
        ("lapse", "断缴后个人账户余额还能用吗", "能用", "余额仍归你"),
        ("account_balance", "职工医保断缴?个人账户余额能用吗?", "能用", "余额仍归你"),
        ("lapse", "医保停了一年还能报销吗", "断缴期间看病医保不能报销", "尽快补缴"),
        ("pay_contributions", "居民医保每年什么时候交", "居民医保", "集中缴费期"),
        ("account_balance", "个人账户划入标准是多少", "在职职工", "缴费基数的2%"),
        ("account_balance", "当年余额怎么算", "在职职工", "缴费基数的2%"),
        (
            "family_account",
            "哪些人可以成为共济对象",
            "能，通过家庭共济给近亲属用",
            "兄弟姐妹",
        ),
        ("family_account", "共济范围有哪些", "能，通过家庭共济给近亲属用", "祖父母"),
        ("family_account", "一次能转多少", "医保钱包", "2000元"),
        ("transfer", "转移接续多久办好", "一般15个工作日", "10个工作日"),
        ("transfer", "什么情况下需要转移", "能转", "跨统筹地区换工作"),
        ("outpatient", "门诊慢特病就医注意什么", "门诊慢特病", "资格认定"),
        ("settlement_failed", "结算失败了怎么办", "先找医院医保办", "补办备案"),
        ("manual_claim", "报销款多久到账", "报销款多久到账", "参保地医保经办机构"),
        ("rural_coop", "新农合异地报销比例和本地一样吗", "异地就医", "参保地政策"),
        ("referral", "不办转院手续报销多少", "转诊的报销比例", "20个百分点"),
    ],
)
def test_the_first_sentence_answers_the_point(
    kb, gazetteer, topic, text, opening, more
):
    topic = narrower_topic(text, topic) or topic
    first = first_sentence(answer_text(kb, gazetteer, topic, text))
    assert first.startswith(opening) and more in first


def test_the_points_around_a_lapse_and_the_account(kb, gazetteer):
    resident = answer_text(kb, gazetteer, "lapse", "新农合断交了怎么办")
    assert "6个月" in resident and "4年" in resident
    retired = answer_text(kb, gazetteer, "account_balance", "个人账户怎么计算")
    assert "退休人员" in retired and "定额划入" in retired
    minding = answer_text(kb, gazetteer, "outpatient", "门诊慢特病就医注意什么")
    assert "出示医保电子凭证或社保卡" in minding
    assert narrower_topic("新农合异地报销比例和本地一样吗", "rural_coop") == (
        "ratio_difference"
    )
    ratio = answer_text(kb, gazetteer, "ratio_difference", "新农合比例和本地一样吗")
    assert "不降低" in ratio and "10个百分点" in ratio
