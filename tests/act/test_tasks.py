"""The playbook and the task book: every recommended action exists and reads well; tasks persist without duplicates."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from shopops.act import PLAYBOOK, Role, TaskBook, plan, tasks_for
from shopops.act.errors import UnknownRole, UnknownStatus, UnknownTask
from shopops.act.playbook import task_id
from shopops.diagnose import RULES, DaySummary, Diagnosis, Evidence, Finding, Severity
from shopops.schema.causes import Cause

DAY = dt.date(2025, 10, 6)


def finding(
    code=Cause.STOCKOUT, subject="P1", day=DAY, severity=Severity.CRITICAL, rule="stockout", **facts
) -> Finding:
    return Finding(
        store_id="s1",
        date=day,
        code=code,
        rule=rule,
        severity=severity,
        subject_kind="sku",
        subject=subject,
        metric="on_hand",
        value=0.0,
        baseline=None,
        en="P1 is out of stock",
        zh="P1 已断货",
        subject_label="Dress (P1)",
        impact=900.0,
        evidence=(Evidence.of("inventory", "inventory", ("date", "on_hand"), [(day, 0)]),),
        facts={"reorder_units": 120, "reorder_by": "2025-10-06", "daily_units": 8.0, "lead_time_days": 9, **facts},
    )


def diagnosis(*findings: Finding) -> Diagnosis:
    return Diagnosis("s1", DAY, DaySummary(None, None, None, None, None, None, None, 0), tuple(findings))


def test_every_recommended_action_is_in_the_playbook():
    import shopops.diagnose.run  # noqa: F401

    named = {a for r in RULES.values() for a in r.info.actions}
    assert named <= set(PLAYBOOK), named - set(PLAYBOOK)
    assert {a.role for a in PLAYBOOK.values()} == set(Role)  # every role gets work from some action


def test_every_action_reads_without_holes():
    f = finding(
        hero="P9",
        bad_reviews_7d=3,
        partner="P2",
        partner_title="Belt",
        campaign="plan",
        suggested_bid=1.1,
        bid=1.5,
        matched_title="Dress",
        matched_sku="P1",
        our_price=89.0,
        listing_id="L1",
        price=70.0,
        campaign_id="C1",
        reorder_units=40,
        in_transit=120,
    )
    for action in PLAYBOOK.values():
        for lang in ("en", "zh"):
            (task,) = (
                tasks_for(finding(**dict(f.facts)), [action.name])
                if not action.only_for
                else tasks_for(finding(subject=action.only_for[0], **dict(f.facts)), [action.name])
            )
            text = task.title(lang)
            assert "{" not in text and text.strip(), (action.name, lang, text)


def test_a_stockout_becomes_a_dated_reorder_task():
    (task,) = plan(diagnosis(finding()))
    assert task.role == Role.OPERATOR and task.due == DAY
    assert task.title_en == "Reorder 120 units of Dress (P1) by 2025-10-06 (sells 8.0 a day, lead time 9 days)"
    assert task.evidence[0]["table"] == "inventory"
    assert task.task_id == task_id("s1", DAY, "stockout", "P1", "reorder_stock")


def test_saving_twice_inserts_nothing_new():
    book = TaskBook(duckdb.connect())
    tasks = plan(diagnosis(finding()))
    book.save(tasks)
    book.save(plan(diagnosis(finding())))
    assert len(book.list(status="all")) == 1


def test_an_open_problem_is_refreshed_not_duplicated_and_comes_back_after_done():
    book = TaskBook(duckdb.connect())
    (first,) = book.save(plan(diagnosis(finding())))
    (again,) = book.save(plan(diagnosis(finding(day=DAY + dt.timedelta(days=1)))))
    assert again.task_id == first.task_id and again.last_seen == DAY + dt.timedelta(days=1)
    assert len(book.list()) == 1
    book.done(first.task_id)
    assert book.list() == [] and book.list(status="done")[0].status == "done"
    (later,) = book.save(plan(diagnosis(finding(day=DAY + dt.timedelta(days=5)))))
    assert later.task_id != first.task_id and len(book.list()) == 1  # back again after it was done: a new task


def test_list_filters_by_role_and_sorts_by_due():
    book = TaskBook(duckdb.connect())
    review = finding(Cause.NEGATIVE_REVIEWS, "P2", severity=Severity.WARNING, rule="negative_reviews", bad_reviews_7d=4)
    book.save(plan(diagnosis(finding(), review)))
    assert {t.action for t in book.list(role="service")} == {"answer_bad_reviews"}
    assert {t.action for t in book.list(role="operator")} == {"reorder_stock", "check_batch_quality"}
    dues = [t.due for t in book.list()]
    assert dues == sorted(dues)


def test_user_errors_name_the_value_and_the_valid_ones():
    book = TaskBook(duckdb.connect())
    with pytest.raises(UnknownRole) as e:
        book.list(role="designer")
    assert "designer" in e.value.message() and "design" in e.value.message()
    with pytest.raises(UnknownStatus):
        book.list(status="closed")
    with pytest.raises(UnknownTask) as e:
        book.done("nope")
    assert "nope" in e.value.message()


def test_only_for_keeps_content_tasks_to_content_sources():
    from shopops.act.playbook import actions_for

    drop = finding("traffic_source_low", "手淘搜索", rule="traffic_source_low", kind="search")
    assert [a.name for a in actions_for(drop, ["recover_source_traffic", "post_content"])] == ["recover_source_traffic"]
    content = finding("traffic_source_low", "内容", rule="traffic_source_low", kind="content")
    assert [a.role for a in actions_for(content, ["recover_source_traffic", "post_content"])] == [
        Role.PROMOTION,
        Role.CONTENT,
    ]


def test_an_action_whose_need_is_unmet_makes_no_task():
    """No "reorder 0 units", no "lower the bid" to a bid that is not lower."""
    assert tasks_for(finding(reorder_units=0), ["reorder_stock"]) == []
    assert len(tasks_for(finding(reorder_units=30), ["reorder_stock"])) == 1
    assert tasks_for(finding(bid=1.0, suggested_bid=1.0), ["lower_bid"]) == []
    assert len(tasks_for(finding(bid=1.5, suggested_bid=1.1), ["lower_bid"])) == 1
