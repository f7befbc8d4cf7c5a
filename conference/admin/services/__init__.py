"""Every change the admin makes: validate, write, commit. Views parse, call one of these, answer.

A refusal is a :class:`conference.errors.ServiceError` whose ``extra["field"]`` names the form
field it is about, so the page can show it there; nothing is written then.
"""
