"""The wizard's confirmation card: everything the person entered, for a last look before sending."""

from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.views import words
from zavhoz.adapters.telegram.views.draft import Draft
from zavhoz.domain.attachments import AttachmentKind
from zavhoz.domain.catalog import Category, Priority


def draft_card(draft: Draft, t: Texts) -> str:
    """Every typed value is escaped."""
    lines = [t("wizard.card.title"), t("wizard.card.location", value=draft.location or "—")]
    if draft.category:
        category = words.category(t, Category(draft.category))
        lines.append(t("wizard.card.category", value=Html(category)))
    lines += [
        t("wizard.card.priority", value=Html(words.priority(t, Priority(draft.priority)))),
        files_summary(draft, t),
        "",
        t("wizard.card.description", value=draft.description or "—"),
    ]
    return "\n".join(lines)


def files_summary(draft: Draft, t: Texts) -> str:
    """«📎 Файлы: 2 фото, 1 документ»."""
    photos = sum(a["kind"] == AttachmentKind.PHOTO.value for a in draft.attachments)
    documents = len(draft.attachments) - photos
    parts = []
    if photos:
        parts.append(t("wizard.card.photos", n=photos))
    if documents:
        parts.append(t("wizard.card.documents", n=documents))
    if not parts:
        return t("wizard.card.no_files")
    return t("wizard.card.files", value=Html(", ".join(parts)))
