import pytest


@pytest.mark.django_db
def test_home_page_answers_in_french(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"


@pytest.mark.django_db
def test_english_browser_still_gets_french_until_the_switch_is_used(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "fr"
    client.post("/langue/", {"language": "en", "next": "/"})
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "en"
