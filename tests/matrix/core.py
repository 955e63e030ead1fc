from tests.matrix import ALL_OK, Case, every

HX = {"HTTP_HX_REQUEST": "true"}

CASES = [
    Case("home", "signed in", ALL_OK),
    Case("healthz", "public", ALL_OK),
    Case("login", "already signed in", every(302)),
    Case("logout", "post", every(302), method="post"),
    Case("pastoral:learner-list", "directory", ALL_OK),
    Case("pastoral:learner-list", "case filter", ALL_OK, query="flag=pp&sen_status=K"),
    Case("pastoral:learner-search", "htmx", ALL_OK, query="q=nin", headers=HX),
    Case("pastoral:learner-list", "htmx rows", ALL_OK, query="q=nin", headers=HX),
    # Without htmx the search redirects to the full list.
    Case("pastoral:learner-search", "plain", every(302), query="q=nin"),
    Case("pastoral:learner-detail", "own school", ALL_OK, kwargs=lambda w: {"pk": w.learner10.pk}),
    Case(
        "pastoral:learner-detail",
        "other school",
        every(404),
        kwargs=lambda w: {"pk": w.other_learner.pk},
    ),
    Case(
        "pastoral:school-switch",
        "own school",
        every(302),
        method="post",
        data=lambda w: {"school": w.school.pk},
    ),
    Case(
        "pastoral:school-switch",
        "other school",
        every(404),
        method="post",
        data=lambda w: {"school": w.other_school.pk},
    ),
    Case("admin:index", "not a superuser", every(302)),
]
