from tests.factories import make_activity


def test_home_page_lists_the_five_priority_areas(client, plan):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for title in (
        "Terrorism",
        "Cybercrime",
        "Illicit drug trafficking",
        "Piracy and armed robbery at sea",
        "Trafficking in persons",
    ):
        assert title in html
    assert "Agreed at the 19th SOMTC+Japan (Yogyakarta, June 2023)." in html


def test_home_page_marks_sample_activities(client, plan):
    make_activity(plan, "1.1", leads=["ID"])
    response = client.get("/")
    assert "Activity 1.1" in response.content.decode()
    assert 'class="badge sample"' in response.content.decode()


def test_home_page_query_count_does_not_grow_with_activities(
    client, plan, django_assert_num_queries
):
    for number in range(1, 6):
        make_activity(plan, f"{number}.1", leads=["ID", "JP"])
    # The plan with the consultations that agreed and adopted it (1),
    # priority areas (1), activities (1), lead parties (1), consultations with hosts (1).
    with django_assert_num_queries(5):
        client.get("/")
    for number in range(1, 6):
        for extra in range(2, 6):
            make_activity(plan, f"{number}.{extra}", leads=["ID", "JP"])
    with django_assert_num_queries(5):
        client.get("/")
