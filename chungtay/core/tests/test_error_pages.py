"""With DEBUG off (as `make run` and production serve) errors are the site's own Vietnamese pages,
never Django's technical ones; and the helpers that prepare `make run`'s .env keep an existing key."""

from django.urls import reverse

from config import envfile


def test_an_unknown_address_gets_the_vietnamese_404_page_with_the_menu(client, people, settings):
    settings.DEBUG = False
    client.force_login(people.commune_a_staff)
    response = client.get("/khong-co-trang-nay/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in page and "ct-navbar" in page
    assert "URLconf" not in page and "Page not found" not in page


def test_a_page_outside_the_role_gets_the_vietnamese_403_page(client, people, settings):
    settings.DEBUG = False
    client.force_login(people.inspector)
    response = client.get(reverse("funds:reconcile"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "Bạn không có quyền truy cập trang này" in page and "ct-navbar" in page


def test_a_server_error_gets_the_vietnamese_500_page(client, settings, monkeypatch):
    settings.DEBUG = False
    client.raise_request_exception = False
    monkeypatch.setattr("chungtay.core.views.render", lambda *a, **k: 1 / 0)
    response = client.get("/")
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in response.content.decode()


def test_make_run_writes_a_secret_key_once_and_never_replaces_it(tmp_path):
    env = tmp_path / ".env"
    env.write_text("DJANGO_SECRET_KEY=\nDJANGO_ALLOWED_HOSTS=127.0.0.1\n")
    assert envfile.ensure(env) == ["DJANGO_SECRET_KEY", "CHUNGTAY_REQUIRE_2FA=0"]
    first = env.read_text()
    key = envfile._value(first.splitlines(), "DJANGO_SECRET_KEY")
    assert key and len(key) >= 50 and "DJANGO_ALLOWED_HOSTS=127.0.0.1" in first
    assert envfile.ensure(env) == [] and env.read_text() == first


def test_an_operators_own_key_and_two_factor_choice_are_kept(tmp_path):
    env = tmp_path / ".env"
    env.write_text("DJANGO_SECRET_KEY=mine\nCHUNGTAY_REQUIRE_2FA=1\n")
    assert envfile.ensure(env) == []
    assert env.read_text() == "DJANGO_SECRET_KEY=mine\nCHUNGTAY_REQUIRE_2FA=1\n"
    assert "BẬT" in envfile.banner("http://127.0.0.1:8000/", env)
