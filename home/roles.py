"""Who may do what: the shop's groups in Wagtail's admin and in Oscar's dashboard.

`ensure_roles()` brings the groups to the rights below and says what it changed, so a database
made before a right existed gets it on the next `load_demo_data`, and a second run changes nothing.
Moderation is a switch (`manage.py moderation on|off`) that `ensure_roles()` leaves as it finds it.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

SHOP_STAFF = "Shop staff"
# Wagtail's installer creates these two groups with rights on the root page.
EDITORS = "Editors"
MODERATORS = "Moderators"
# Wagtail's installer also creates this workflow and puts the whole page tree under it.
MODERATION_WORKFLOW = "Moderators approval"


def all_rights(model):
    return [f"{action}_{model}" for action in ("view", "add", "change", "delete")]


# Oscar's dashboard checks model permissions view by view (oscar/apps/dashboard/*/apps.py); is_staff
# alone opens only its index. Users, partners, flat pages, emails and reports stay with admins.
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
    # Readers' reviews wait for staff to approve them (Dashboard → Catalogue → Reviews).
    "reviews": ["view_productreview", "change_productreview", "delete_productreview"],
}

# On the root page, so over the whole tree: books, categories, the home page and the other pages.
# Editors publish without a second person unless moderation is switched on, which takes "publish"
# away: Wagtail offers Publish next to "Submit to …" to anyone who may publish.
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
EDITOR_PUBLISH = "publish_page"
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
    """The workflow a shop can switch on, with its one task: a moderator approves."""
    workflow, created = Workflow.objects.get_or_create(name=MODERATION_WORKFLOW)
    if created:
        task = GroupApprovalTask.objects.create(name=MODERATION_WORKFLOW)
        task.groups.add(moderators)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


def moderation_is_on():
    return WorkflowPage.objects.filter(workflow__name=MODERATION_WORKFLOW).exists()


@transaction.atomic
def ensure_roles():
    """Bring every role to its rights; returns what changed, as "group: change" lines."""
    root = Page.get_first_root_node()
    shop_staff = Group.objects.get_or_create(name=SHOP_STAFF)[0]
    editors = Group.objects.get_or_create(name=EDITORS)[0]
    moderators = Group.objects.get_or_create(name=MODERATORS)[0]
    workflow = ensure_moderation_workflow(moderators)
    # Wagtail's installer puts the whole tree under the workflow, at the root page; a shop that
    # switches moderation on assigns it to its home page, which stays.
    installer_default, _ = WorkflowPage.objects.filter(workflow=workflow, page=root).delete()
    editor_pages = EDITOR_PAGE_PERMISSIONS + ([] if moderation_is_on() else [EDITOR_PUBLISH])
    changes = {
        SHOP_STAFF: grant(shop_staff, SHOP_STAFF_PERMISSIONS, exactly=True),
        EDITORS: grant(editors, EDITOR_PERMISSIONS) + grant_pages(editors, editor_pages, root),
        MODERATORS: grant(moderators, MODERATOR_PERMISSIONS)
        + grant_pages(moderators, MODERATOR_PAGE_PERMISSIONS, root)
        + (["moderation switched off (the installer's default)"] if installer_default else []),
    }
    return [f"{group}: {change}" for group, group_changes in changes.items() for change in group_changes]


@transaction.atomic
def switch_moderation(on):
    """On: every page under the home page needs a moderator's approval, and editors submit instead
    of publishing. Off: editors publish directly again."""
    ensure_roles()
    root = Page.get_first_root_node()
    editors = Group.objects.get(name=EDITORS)
    workflow = Workflow.objects.get(name=MODERATION_WORKFLOW)
    if on:
        home = Site.objects.get(is_default_site=True).root_page
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
        GroupPagePermission.objects.filter(group=editors, page=root, permission__codename=EDITOR_PUBLISH).delete()
    else:
        WorkflowPage.objects.filter(workflow=workflow).delete()
        grant_pages(editors, [EDITOR_PUBLISH], root)
