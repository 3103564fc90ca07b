"""The SMTP transport against a real server (aiosmtpd), with and without PIPELINING."""

import pytest

from newsletters.transport import PermanentFailure, TemporaryFailure, open_transport
from testing.smtp import SmtpSink, use_sink

SENDER = "news@folio-books.example"


def message(recipient, body):
    return (f"From: {SENDER}\r\nTo: {recipient}\r\nSubject: Test\r\nMessage-ID: <{recipient}>\r\n\r\n{body}").encode()


class RefusingSink(SmtpSink):
    """Refuses one recipient at RCPT, the way a server refuses an unknown mailbox."""

    refused_recipient = "gone@example.com"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused_recipient:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelining", "one-command-at-a-time"])
def test_messages_arrive_whole_and_a_refused_recipient_does_not_spoil_the_connection(settings, pipelining):
    body = "Dear reader,\r\n.\r\n..a line that starts with dots\r\nThe end."
    with RefusingSink(pipelining=pipelining) as sink:
        use_sink(settings, sink)
        handed_over = []
        with open_transport() as transport:
            assert transport.pipelining is pipelining
            transport.send(SENDER, "ada@example.com", message("ada@example.com", body), lambda: handed_over.append(1))
            with pytest.raises(PermanentFailure, match="550"):
                transport.send(SENDER, sink.refused_recipient, message(sink.refused_recipient, body), handed_over.pop)
            transport.send(SENDER, "bob@example.com", message("bob@example.com", body))

    assert handed_over == [1], "a message refused before DATA must never count as handed over"
    assert sink.recipients() == {"ada@example.com": 1, "bob@example.com": 1}
    received = next(raw for recipient, _, raw in sink.accepted if recipient == "ada@example.com")
    assert received.split(b"\r\n\r\n", 1)[1] == body.encode() + b"\r\n"


def test_a_refusal_at_the_end_of_data_comes_after_the_hand_over(settings):
    events = []
    with SmtpSink(answer=lambda envelope: "451 4.3.0 Try later") as sink:
        use_sink(settings, sink)
        with open_transport() as transport, pytest.raises(TemporaryFailure, match="451"):
            transport.send(SENDER, "ada@example.com", message("ada@example.com", "Hi"), lambda: events.append("handed"))
    assert events == ["handed"]
    assert sink.refused == 1 and not sink.accepted


def test_an_address_beyond_ascii_is_refused_before_anything_is_sent(settings):
    with SmtpSink() as sink:
        use_sink(settings, sink)
        with open_transport() as transport, pytest.raises(PermanentFailure, match="SMTPUTF8"):
            transport.send(SENDER, "zoë@example.com", message("reader@example.com", "Hi"))
    assert not sink.accepted
