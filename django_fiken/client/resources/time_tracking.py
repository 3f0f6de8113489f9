"""Time tracking: projects, time entries, activities and time users."""

from __future__ import annotations

from typing import Unpack

from ..endpoints import (
    GetActivitiesQuery,
    GetProjectsQuery,
    GetTimeEntriesQuery,
    GetTimeUsersQuery,
)
from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import (
    ActivityRequest,
    ActivityResult,
    ProjectRequest,
    ProjectResult,
    TimeEntryInvoiceDraftRequest,
    TimeEntryRequest,
    TimeEntryResult,
    TimeUserResult,
    UpdateActivityRequest,
    UpdateProjectRequest,
    UpdateTimeEntryRequest,
)
from .base import CompanyResource, operation


class Projects(CompanyResource):
    """``/projects``."""

    @operation("getProjects")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetProjectsQuery]
    ) -> Paginated[ProjectResult]:
        return self._list("getProjects", filters, page_size=page_size)

    @operation("getProject")
    def get(self, project_id: int) -> ProjectResult:
        return self._get("getProject", projectId=project_id)

    @operation("createProject")
    def create(self, project: ProjectRequest) -> int:
        """Create a project; returns its ``projectId``."""
        return self._create("createProject", project)

    @operation("updateProject")
    def update(self, project_id: int, changes: UpdateProjectRequest) -> None:
        self._update("updateProject", changes, projectId=project_id)

    @operation("deleteProject")
    def delete(self, project_id: int) -> None:
        self._delete("deleteProject", projectId=project_id)


class TimeEntries(CompanyResource):
    """``/timeEntries``."""

    @operation("getTimeEntries")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetTimeEntriesQuery]
    ) -> Paginated[TimeEntryResult]:
        return self._list("getTimeEntries", filters, page_size=page_size)

    @operation("getTimeEntry")
    def get(self, time_entry_id: int) -> TimeEntryResult:
        return self._get("getTimeEntry", timeEntryId=time_entry_id)

    @operation("createTimeEntry")
    def create(self, entry: TimeEntryRequest) -> int:
        """Record time; returns the ``timeEntryId``."""
        return self._create("createTimeEntry", entry)

    @operation("updateTimeEntry")
    def update(self, time_entry_id: int, changes: UpdateTimeEntryRequest) -> None:
        self._update("updateTimeEntry", changes, timeEntryId=time_entry_id)

    @operation("deleteTimeEntry")
    def delete(self, time_entry_id: int) -> None:
        self._delete("deleteTimeEntry", timeEntryId=time_entry_id)

    @operation("createInvoiceDraftFromTimeEntries")
    def create_invoice_draft(self, request: TimeEntryInvoiceDraftRequest) -> int:
        """Turn time entries into an invoice draft; returns the ``draftId``."""
        return self._create("createInvoiceDraftFromTimeEntries", request)


class Activities(CompanyResource):
    """``/activities``."""

    @operation("getActivities")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetActivitiesQuery]
    ) -> Paginated[ActivityResult]:
        return self._list("getActivities", filters, page_size=page_size)

    @operation("getActivity")
    def get(self, activity_id: int) -> ActivityResult:
        return self._get("getActivity", activityId=activity_id)

    @operation("createActivity")
    def create(self, activity: ActivityRequest) -> int:
        """Create an activity; returns its ``activityId``."""
        return self._create("createActivity", activity)

    @operation("updateActivity")
    def update(self, activity_id: int, changes: UpdateActivityRequest) -> None:
        self._update("updateActivity", changes, activityId=activity_id)

    @operation("deleteActivity")
    def delete(self, activity_id: int) -> None:
        self._delete("deleteActivity", activityId=activity_id)


class TimeUsers(CompanyResource):
    """``/timeUsers``: the people who record time."""

    @operation("getTimeUsers")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetTimeUsersQuery]
    ) -> Paginated[TimeUserResult]:
        return self._list("getTimeUsers", filters, page_size=page_size)

    @operation("getTimeUser")
    def get(self, time_user_id: int) -> TimeUserResult:
        return self._get("getTimeUser", timeUserId=time_user_id)
