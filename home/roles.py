"""Who may do what: the shop's groups in Wagtail's admin and in Oscar's dashboard.

`ensure_roles()` brings the groups to the rights below and says what it changed, so a database
made before a right existed gets it on the next `load_demo_data`, and a second run changes nothing.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import GroupApprovalTask, GroupPagePermission, Page, Workflow, WorkflowPage, WorkflowTask

SHOP_STAFF = "Shop staff"
# Wagtail's installer creates these two groups with rights on the root page.
EDITORS = "Editors"
MODERATORS = "Moderators"
# Wagtail's installer also creates this workflow and puts the whole page tree under it.
MODERATION_WORKFLOW = "Moderators approval"


def all_rights(model):
    return [f"{action}_{model}" for action in ("view", "add", "change", "delete")]


# Oscar's dashboard checks model permissions view by view (oscar/apps/dashboard/*/apps.py); is_staff
# alone opens only its index. Users, partners, reviews, flat pages, emails and reports stay with admins.
SHOP_STAFF_PERMISSIONS = {
    # The order list and detail, status changes, notes and payment events ("Refunded" refunds at PayPal).
    "order": ["view_order", "change_order"],
    # Price and stock live on the product's stock record, edited on the product's dashboard page,
    # which Oscar opens only with add_product too (one view creates and edits). Books themselves are
    # written in Wagtail, so staff cannot delete products.
    "catalogue": ["view_product", "add_product", "change_product"],
    "partner": ["view_stockalert"],
    # Ranges are the sets of books an offer applies to.
    "offer": all_rights("conditionaloffer") + all_rights("range"),
    "voucher": all_rights("voucher") + all_rights("voucherset"),
    "shipping": all_rights("weightbased"),
}

# On the root page, so over the whole tree: books, categories, the home page and the other pages.
# Publishing needs no second person; a shop that wants one assigns the moderation workflow.
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
EDITOR_PERMISSIONS = {
    "wagtailadmin": ["access_admin"],
    "catalogue": ["view_author", "add_author", "change_author"],
}
MODERATOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
MODERATOR_PERMISSIONS = {"wagtailadmin": ["access_admin"]}


def permissions(by_app):
    query = Q(pk__in=[])
    for app_label, codenames in by_app.items():
        query |= Q(content_type__app_label=app_label, codename__in=codenames)
    found = set(Permission.objects.filter(query))
    wanted = sum(len(codenames) for codenames in by_app.values())
    if len(found) != wanted:
        raise LookupError(f"{wanted - len(found)} of these permissions do not exist: {by_app}")
    return found


def grant(group, by_app, exactly=False):
    """Give `group` the permissions; with `exactly`, also take away any other. Returns the change."""
    wanted = permissions(by_app)
    current = set(group.permissions.all())
    missing, extra = wanted - current, (current - wanted if exactly else set())
    group.permissions.add(*missing)
    group.permissions.remove(*extra)
    changes = [f"{len(missing)} permissions given"] if missing else []
    return changes + ([f"{len(extra)} permissions taken away"] if extra else [])


def grant_pages(group, codenames, page):
    created = 0
    for permission in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
        created += GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)[1]
    return [f"{created} page permissions given"] if created else []


def ensure_moderation_workflow(moderators):
    """The workflow a shop can switch on, kept off the page tree: the demo's editors publish directly."""
    workflow, created = Workflow.objects.get_or_create(name=MODERATION_WORKFLOW)
    changes = ["workflow created"] if created else []
    if created:
        task = GroupApprovalTask.objects.create(name=MODERATION_WORKFLOW)
        task.groups.add(moderators)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    # Only the installer's assignment to the root: one a shop made on its own pages stays.
    unassigned, _ = WorkflowPage.objects.filter(workflow=workflow, page__depth=1).delete()
    return changes + (["workflow taken off the page tree"] if unassigned else [])


@transaction.atomic
def ensure_roles():
    """Bring every role to its rights; returns what changed, as "group: change" lines."""
    root = Page.get_first_root_node()
    shop_staff = Group.objects.get_or_create(name=SHOP_STAFF)[0]
    editors = Group.objects.get_or_create(name=EDITORS)[0]
    moderators = Group.objects.get_or_create(name=MODERATORS)[0]
    changes = {
        SHOP_STAFF: grant(shop_staff, SHOP_STAFF_PERMISSIONS, exactly=True),
        EDITORS: grant(editors, EDITOR_PERMISSIONS) + grant_pages(editors, EDITOR_PAGE_PERMISSIONS, root),
        MODERATORS: grant(moderators, MODERATOR_PERMISSIONS)
        + grant_pages(moderators, MODERATOR_PAGE_PERMISSIONS, root)
        + ensure_moderation_workflow(moderators),
    }
    return [f"{group}: {change}" for group, group_changes in changes.items() for change in group_changes]
