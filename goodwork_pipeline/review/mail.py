"""The draft as a ready-to-send e-mail (``.eml``), and sending it when an operator allows it.

Next to every draft in ``outbox/concepten/`` goes ``<code>-v<n>.eml``: a Dutch cover text,
the draft attached, the participant's address from the sidecar. Staff open it in their mail
program (Outlook, Thunderbird and Apple Mail open an ``.eml`` with ``X-Unsent: 1`` as a draft),
check it and press send. Nothing is sent by goodwork itself unless an operator sets
``smtp_host``; then ``goodwork send STORY`` sends it through that server.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

import jinja2

from goodwork_pipeline.errors import MailError, TemplateError
from goodwork_pipeline.files import atomic_write_bytes
from goodwork_pipeline.models import Sidecar
from goodwork_pipeline.settings import Settings
from goodwork_pipeline.text_nl import date_nl

TEMPLATE_FOLDER = "consent"
COVER_TEMPLATE = "draft_mail.txt.j2"
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


@dataclass(frozen=True)
class DraftMail:
    message: EmailMessage
    recipient: str | None


def draft_mail(
    *,
    story_id: str,
    version: int,
    draft: Path,
    sidecar: Sidecar,
    settings: Settings,
    recipient: str | None = None,
) -> DraftMail:
    """The e-mail for one draft version: cover text in Dutch, the ``.docx`` attached."""
    to = recipient or sidecar.email
    if to is not None and not _valid_address(to):
        raise MailError(
            f"'{to}' is not an e-mail address (story {story_id}); fix 'email' in the sidecar "
            "or give another address.",
            nl=f"'{to}' is geen e-mailadres. Pas het aan in het .yaml-bestand of geef een ander "
            "adres op.",
        )
    message = EmailMessage(policy=SMTP)
    message["Subject"] = f"Je beeld van goed werk: concept om te lezen (code {story_id})"
    if settings.mail_from:
        message["From"] = settings.mail_from
    if to:
        message["To"] = to
    message["X-Unsent"] = "1"  # mail programs open it as a draft to check and send
    message["X-Goodwork-Story"] = f"{story_id} v{version}"
    message.set_content(cover_text(story_id, version, sidecar, settings))
    message.add_attachment(
        draft.read_bytes(),
        maintype=DOCX_TYPE[0],
        subtype=DOCX_TYPE[1],
        filename=f"Beeld van goed werk - concept {story_id} versie {version}.docx",
    )
    return DraftMail(message, to)


def cover_text(story_id: str, version: int, sidecar: Sidecar, settings: Settings) -> str:
    folder = settings.templates_dir / TEMPLATE_FOLDER
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    date = sidecar.date
    try:
        return env.get_template(COVER_TEMPLATE).render(
            first_name=sidecar.participant.split()[0] if sidecar.participant else None,
            date_nl=date_nl(date) if date else None,
            interviewer=sidecar.interviewer,
            programme=settings.programme,
            story_id=story_id,
            version=version,
        )
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(
            f"Template {TEMPLATE_FOLDER}/{COVER_TEMPLATE} is missing from "
            f"{settings.templates_dir}; restore it or point 'templates' at a complete folder."
        ) from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"Template {COVER_TEMPLATE} is broken: {exc}") from exc


def write_eml(mail: DraftMail, path: Path) -> Path:
    return atomic_write_bytes(path, mail.message.as_bytes())


def smtp_configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def send(mail: DraftMail, settings: Settings) -> str:
    """Send through the configured SMTP server; return the Message-ID. Raises MailError."""
    if not smtp_configured(settings):
        raise MailError(
            "No SMTP server is configured ('smtp_host'), so goodwork sends nothing itself.",
            nl="Er is geen mailserver ingesteld; goodwork verstuurt zelf niets.",
        )
    if not mail.recipient:
        raise MailError(
            "The participant has no e-mail address (add 'email' to the sidecar or use --to).",
            nl="Er is geen e-mailadres van de deelnemer bekend (zet 'email' in het .yaml-bestand "
            "of geef --to op).",
        )
    if not settings.mail_from:
        raise MailError(
            "'mail_from' must be set to send e-mail (the sender address).",
            nl="Stel 'mail_from' in (het afzenderadres) om e-mail te versturen.",
        )
    message = mail.message
    del message["X-Unsent"]
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=_domain(settings.mail_from))
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    try:
        with _connect(settings) as server:
            if settings.smtp_user:
                server.login(settings.smtp_user, password or "")
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(
            f"Sending the draft to {mail.recipient} through {settings.smtp_host}:"
            f"{settings.smtp_port} failed: {exc.__class__.__name__}: {exc}. Check the smtp_* "
            "settings, or send the .eml from your mail program.",
            nl="Het versturen van de e-mail is mislukt. Verstuur het .eml-bestand uit de "
            "outbox met je eigen mailprogramma, of vraag de beheerder de mailinstellingen na "
            "te kijken.",
        ) from exc
    return str(message["Message-ID"])


def _connect(settings: Settings) -> smtplib.SMTP:
    host, port, timeout = settings.smtp_host or "", settings.smtp_port, 30
    if settings.smtp_security == "ssl":
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    server = smtplib.SMTP(host, port, timeout=timeout)
    if settings.smtp_security == "starttls":
        try:
            server.starttls(context=ssl.create_default_context())
        except BaseException:
            server.close()
            raise
    return server


def _valid_address(value: str) -> bool:
    _name, address = parseaddr(value)
    return "@" in address and "." in address.rsplit("@", 1)[-1] and " " not in address


def _domain(address: str | None) -> str | None:
    _name, email = parseaddr(address or "")
    return email.rsplit("@", 1)[-1] if "@" in email else None
