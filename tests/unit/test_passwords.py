import pytest

from academy.auth.passwords import password_problem


@pytest.mark.parametrize("password, problem", [
    ("short", "12 characters or more"),
    ("elevenchars", "12 characters or more"),
    ("password1234", "too easy to guess"),
    ("PASSWORD1234", "too easy to guess"),
    ("aaaaaaaaaaaaaaa", "too easy to guess"),
    ("x" * 129, "128 characters or fewer"),
])
def test_weak_passwords_are_refused_with_a_reason(password, problem):
    assert problem in password_problem(password)


def test_password_may_not_contain_the_email_name():
    assert "email address" in password_problem("morgan-hedge-fossil", "morgan@example.com")


def test_three_random_words_are_accepted():
    assert password_problem("kettle-orchard-lantern") is None
