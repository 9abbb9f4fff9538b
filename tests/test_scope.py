"""The deterministic scope guard (assistant/scope.py): a message with no word of
medical insurance, or one that asks about a hospital or a doctor as such, is not
about insurance, whatever the classifier read in it."""

import pytest

from assistant.scope import about_insurance


@pytest.mark.parametrize(
    "text",
    [
        "华西大学第四医院是干什么的",
        "北京协和医院怎么样",
        "湘雅二医院介绍一下",
        "武汉同济医院是公立还是私立",
        "上海瑞金医院哪个专家好",
        "儿童医院怎么挂号",
        "附近的诊所电话多少",
        "成都普高有哪些学校500分可以上的",
    ],
)
def test_care_or_other_things_are_not_insurance(text):
    assert not about_insurance(text)


@pytest.mark.parametrize(
    "text",
    [
        "华西医院能用异地医保吗",
        "北京协和医院是跨省联网医院吗",
        "外地医保能在华西挂号住院吗",
        "鞍钢退休职工想办理异地就医到什么地方办?地址在哪？",
        "在上海的医院看病能报销吗",
        "住院了怎么办",
        "醫院看病要帶什麼",
    ],
)
def test_questions_about_paying_for_care_are_insurance(text):
    assert about_insurance(text)
