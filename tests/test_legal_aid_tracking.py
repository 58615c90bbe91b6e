"""Applications carry a readable tracking number and move only along the lawful status lifecycle."""

import pytest

from bot.legal_aid.tracking import (
    ERROR_CODES,
    TRANSITIONS,
    Status,
    Transition,
    TransitionError,
    check_transition,
    next_statuses,
    parse_tracking_number,
    tracking_number,
)

S = Status


@pytest.mark.parametrize(
    "year, sequence, number",
    [(2026, 123, "FY-2026-000123"), (2026, 1, "FY-2026-000001"), (2027, 999_999, "FY-2027-999999")],
)
def test_tracking_number_is_year_and_zero_padded_sequence(year, sequence, number):
    assert tracking_number(year, sequence) == number
    assert parse_tracking_number(number) == (year, sequence)


@pytest.mark.parametrize("year, sequence", [(2026, 0), (2026, 1_000_000), (26, 5), (2026, -1)])
def test_impossible_tracking_number_is_refused(year, sequence):
    with pytest.raises(ValueError):
        tracking_number(year, sequence)


@pytest.mark.parametrize("typed", ["fy-2026-000123", " FY-2026-123 ", "FY2026000123", "ＦＹ－２０２６－０００１２３"])
def test_tracking_number_is_recognised_as_people_type_it(typed):
    assert parse_tracking_number(typed) == (2026, 123)


@pytest.mark.parametrize("typed", ["", "FY-2026-000000", "FY-26-000123", "AB-2026-000123", "FY-2026-0001234", "123"])
def test_text_that_is_not_a_tracking_number_gives_none(typed):
    assert parse_tracking_number(typed) is None


def test_application_goes_from_submitted_to_closed_along_the_usual_path():
    path = [S.SUBMITTED, S.ACCEPTED, S.APPROVED, S.LAWYER_ASSIGNED, S.CLOSED]
    for current, target in zip(path, path[1:]):
        assert check_transition(current, target) == Transition(current, target, None)


def test_refusal_needs_a_reason_and_keeps_it_tidied():
    with pytest.raises(TransitionError) as caught:
        check_transition("accepted", "rejected", "   ")
    assert caught.value.code == "reason_required"
    assert check_transition("accepted", "rejected", "  不属于法律援助事项范围 ").reason == "不属于法律援助事项范围"


@pytest.mark.parametrize(
    "current, target, reason_needed",
    [
        (S.SUBMITTED, S.ACCEPTED, False),
        (S.ACCEPTED, S.APPROVED, False),
        (S.APPROVED, S.LAWYER_ASSIGNED, False),
        (S.LAWYER_ASSIGNED, S.CLOSED, False),
        (S.REJECTED, S.CLOSED, False),
        (S.ACCEPTED, S.REJECTED, True),
        (S.REJECTED, S.APPROVED, True),
        (S.SUBMITTED, S.CLOSED, True),
        (S.ACCEPTED, S.CLOSED, True),
        (S.APPROVED, S.CLOSED, True),
    ],
)
def test_every_allowed_move_says_whether_it_needs_a_reason(current, target, reason_needed):
    assert check_transition(current, target, "理由").reason == "理由"
    if reason_needed:
        with pytest.raises(TransitionError, match="reason_required"):
            check_transition(current, target)
    else:
        assert check_transition(current, target).target is target


@pytest.mark.parametrize(
    "current, target, code",
    [
        (S.SUBMITTED, S.APPROVED, "not_allowed"),
        (S.SUBMITTED, S.REJECTED, "not_allowed"),
        (S.SUBMITTED, S.LAWYER_ASSIGNED, "not_allowed"),
        (S.ACCEPTED, S.SUBMITTED, "not_allowed"),
        (S.ACCEPTED, S.LAWYER_ASSIGNED, "not_allowed"),
        (S.APPROVED, S.REJECTED, "not_allowed"),
        (S.REJECTED, S.LAWYER_ASSIGNED, "not_allowed"),
        (S.LAWYER_ASSIGNED, S.APPROVED, "not_allowed"),
        (S.CLOSED, S.SUBMITTED, "finished"),
        (S.CLOSED, S.APPROVED, "finished"),
        (S.ACCEPTED, S.ACCEPTED, "unchanged"),
        (S.CLOSED, S.CLOSED, "unchanged"),
        ("accepted", "paid", "unknown_status"),
        ("draft", "submitted", "unknown_status"),
    ],
)
def test_unlawful_move_is_refused_with_a_clear_reason(current, target, code):
    with pytest.raises(TransitionError) as caught:
        check_transition(current, target, "理由")
    assert caught.value.code == code and code in ERROR_CODES
    assert str(target) in str(caught.value)


def test_overlong_reason_is_refused():
    with pytest.raises(TransitionError, match="reason_too_long"):
        check_transition(S.ACCEPTED, S.REJECTED, "理" * 501)


def test_every_status_is_reachable_from_submitted_and_only_closed_is_final():
    reached, frontier = {S.SUBMITTED}, [S.SUBMITTED]
    while frontier:
        for following in next_statuses(frontier.pop()):
            if following not in reached:
                reached.add(following)
                frontier.append(following)
    assert reached == set(Status)
    assert [status for status in Status if not TRANSITIONS[status]] == [S.CLOSED]


def test_every_open_status_can_be_closed():
    assert all(S.CLOSED in next_statuses(status) for status in Status if status is not S.CLOSED)
