"""Details of the case stated while the estimate form asks something else (其实我还没
退休，是出差时急诊住的院, asked for the insured place): kept, said back, and the
question asked again, not declined as "没听出是哪个地方"."""

from actions.constants import UTTER_ESTIMATE_NOTED
from actions.estimate_form import ValidateEstimateForm
from assistant.answers.estimate import stated_case
from tests.conftest import make_tracker
from tests.test_estimate_actions import run


def test_a_correction_while_the_place_is_asked_is_kept_and_the_place_asked_again():
    slots = {
        "requested_slot": "region_insured",
        "insurance_scheme": "employee",
        "person_status": "retired",
        "estimate_total": "30000",
    }
    tracker = make_tracker("inform", "其实我还没退休，是出差时急诊住的院", slots=slots)
    messages, set_slots = run(ValidateEstimateForm(), tracker)
    assert [m["response"] for m in messages] == [UTTER_ESTIMATE_NOTED]
    assert "在职" in messages[0]["case"] and "急诊" in messages[0]["case"]
    assert set_slots["person_status"] == "in_service"
    assert set_slots["estimate_filing"] == "emergency"
    assert set_slots.get("region_insured") is None


def test_a_place_answer_is_still_taken_and_garbage_still_declined():
    slots = {"requested_slot": "region_insured"}
    _, set_slots = run(
        ValidateEstimateForm(), make_tracker("inform", "洛阳", slots=slots)
    )
    assert set_slots["region_insured"] == "410300"
    messages, _ = run(
        ValidateEstimateForm(), make_tracker("inform", "嗯嗯", slots=slots)
    )
    assert [m["response"] for m in messages] == ["utter_invalid_region_insured"]


def test_the_case_in_the_estimate_header_words(kb):
    assert stated_case(kb, status="in_service", filing="emergency") == (
        "在职，急诊抢救（视同已备案），比例最多比参保地同级医院低10个百分点"
    )
    assert stated_case(kb, filing="temporary").endswith("低20个百分点")
    assert "百分点" not in stated_case(kb, filing="long_term")  # the local standard
    assert stated_case(kb, "employee", "retired", "2") == "职工医保（退休），二级医院"
    assert stated_case(kb) == ""
