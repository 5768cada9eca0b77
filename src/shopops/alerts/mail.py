"""Alerts by email over SMTP: implicit TLS (465) or STARTTLS (587); unencrypted only to a relay on this machine."""

from __future__ import annotations

import ipaddress
import smtplib
import socket
import ssl
from email.message import EmailMessage

from shopops.alerts.channels import Message
from shopops.alerts.config import EmailConfig
from shopops.alerts.net import DeliveryFailed, UnsafeURL


def _is_loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(i[4][0]).is_loopback for i in socket.getaddrinfo(host, None))
    except (socket.gaierror, ValueError):
        return False


def send_email(cfg: EmailConfig, msg: Message, *, timeout: float = 10.0) -> None:
    if cfg.security == "none" and not _is_loopback(cfg.host):
        raise UnsafeURL(
            url=f"smtp://{cfg.host}", reason="unencrypted SMTP is only allowed to this machine (valid: ssl, starttls)"
        )
    mail = EmailMessage()
    mail["Subject"] = msg.title
    mail["From"] = cfg.sender
    mail["To"] = ", ".join(cfg.to)
    mail.set_content(msg.text())
    try:
        if cfg.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                cfg.host, cfg.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=timeout)
        with smtp:
            if cfg.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if cfg.user and cfg.password:
                smtp.login(cfg.user, cfg.password)
            smtp.send_message(mail)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(url=f"smtp://{cfg.host}:{cfg.port}", reason=str(exc) or type(exc).__name__) from None
