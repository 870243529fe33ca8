"""Accounts: argon2 passwords, roles, tokens, and `landgis user …`."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from landgis.cli import app
from landgis.db.models import ApiToken, User
from landgis.errors import AuthenticationRequired, Conflict, InvalidInput
from landgis.users import (
    authenticate,
    create_user,
    issue_token,
    revoke_tokens,
    set_password,
    user_for_token,
)

PASSWORD = "s3cret-enough"


def test_passwords_are_stored_as_argon2_hashes_and_checked(session):
    user = create_user(session, "wangfang", PASSWORD, role="editor", display_name="王芳")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert authenticate(session, "wangfang", PASSWORD).id == user.id
    with pytest.raises(AuthenticationRequired):
        authenticate(session, "wangfang", "wrong-password")
    with pytest.raises(AuthenticationRequired):
        authenticate(session, "nobody", PASSWORD)
    set_password(session, "wangfang", "another-secret")
    assert authenticate(session, "wangfang", "another-secret")


@pytest.mark.parametrize(
    ("username", "password", "role", "says"),
    [
        ("a b", PASSWORD, "viewer", "username"),
        ("ok", "short", "viewer", "8 characters"),
        ("ok", PASSWORD, "boss", "Unknown role"),
    ],
)
def test_bad_accounts_are_refused(session, username, password, role, says):
    with pytest.raises(InvalidInput, match=says):
        create_user(session, username, password, role=role)


def test_usernames_are_unique(session):
    create_user(session, "liting", PASSWORD)
    with pytest.raises(Conflict):
        create_user(session, "liting", PASSWORD)


def test_tokens_are_stored_as_digests_and_can_be_revoked(session):
    create_user(session, "robot", PASSWORD, role="editor")
    token = issue_token(session, "robot", "nightly export")
    stored = session.scalars(select(ApiToken.digest)).all()
    assert token not in stored and len(stored[-1]) == 64
    assert user_for_token(session, token).username == "robot"
    assert user_for_token(session, token + "x") is None
    assert revoke_tokens(session, "robot") == 1
    assert user_for_token(session, token) is None


def test_user_commands(databases):
    url = databases.new_url()
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--database-url", url]).exit_code == 0
    added = runner.invoke(
        app,
        ["user", "add", "zhangwei", "--role", "editor", "--name", "张伟", "--database-url", url],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert added.exit_code == 0, added.output
    assert added.stdout.endswith("已添加用户:zhangwei(编辑)\n")
    token = runner.invoke(app, ["user", "token", "zhangwei", "--database-url", url])
    assert token.exit_code == 0 and len(token.output.strip()) >= 40
    changed = runner.invoke(
        app,
        ["user", "passwd", "zhangwei", "--database-url", url],
        input="new-password-1\nnew-password-1\n",
    )
    assert changed.exit_code == 0, changed.output
    listed = runner.invoke(app, ["user", "list", "--database-url", url]).output
    assert "zhangwei" in listed and "编辑" in listed and "张伟" in listed
    duplicate = runner.invoke(
        app, ["user", "add", "zhangwei", "--database-url", url], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert duplicate.exit_code == 2
    assert duplicate.stderr == "错误:用户 zhangwei 已存在。\n"
    engine = databases.engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(User.role).where(User.username == "zhangwei")) == "editor"


def test_user_commands_speak_english_when_configured(databases, cli_in):
    url = databases.new_url()
    assert cli_in("en", "init", "--database-url", url).stdout.startswith("Database ready: ")
    add = ("user", "add", "lisi", "--role", "admin", "--name", "李四", "--database-url", url)
    added = cli_in("en", *add, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert added.stdout == "Password: \nRepeat the password: \nUser added: lisi (Administrator)\n"
    listed = cli_in("en", "user", "list", "--database-url", url).stdout
    assert listed.split()[:3] == ["lisi", "Administrator", "李四"]
    again = cli_in("en", *add, "--password", PASSWORD)
    assert again.exit_code == 2
    assert again.stderr == "Error: User lisi already exists.\n"
    role = cli_in("en", "user", "role", "lisi", "viewer", "--database-url", url)
    assert role.stdout == "Role changed: lisi → Viewer\n"
    off = cli_in("en", "user", "deactivate", "lisi", "--database-url", url)
    assert off.stdout == "Deactivated: lisi\n"
    assert "Deactivated" in cli_in("en", "user", "list", "--database-url", url).stdout
    assert (
        "已添加用户:wangwu(查看)"
        in cli_in(
            "zh", "user", "add", "wangwu", "--password", PASSWORD, "--database-url", url
        ).stdout
    )
    logged = cli_in("en", "user", "audit", "--database-url", url).stdout
    assert "Role changed" in logged and "User deactivated" in logged
    assert "role_changed" not in logged and "角色" not in logged
    assert "角色变更" in cli_in("zh", "user", "audit", "--database-url", url).stdout
