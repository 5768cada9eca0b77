"""Stage six: act — a playbook of actions per finding, and tasks for the team that persist in the workspace."""

from shopops.act.playbook import PLAYBOOK, Action, Role
from shopops.act.tasks import Task, TaskBook, plan, tasks_for

plan_tasks = plan  # the name report/findings.py looks for

__all__ = ["PLAYBOOK", "Action", "Role", "Task", "TaskBook", "plan", "plan_tasks", "tasks_for"]
