"""A serializer's `.data` holds the fields the serializer class declares: personal data when a declared
field or a `Meta.fields` name is, whatever the class is called, and through the classes it extends."""

from __future__ import annotations

from textwrap import dedent

from harness import assert_project_reports

SERIALIZERS = """
    from rest_framework import serializers
    class SubsidyRequestSerializer(serializers.ModelSerializer):
        email = serializers.EmailField(read_only=True, source="user.email")
        lms_user_id = serializers.IntegerField(read_only=True, source="user.lms_user_id")
        class Meta:
            fields = ["uuid", "user", "lms_user_id", "email", "course_id"]
    class LicenseRequestSerializer(SubsidyRequestSerializer):
        class Meta:
            fields = SubsidyRequestSerializer.Meta.fields + ["license_uuid"]
    class ContactSerializer(serializers.Serializer):
        class Meta:
            fields = ("id", "phone_number")
    class RequesterSerializer(serializers.Serializer):
        requester = serializers.CharField(source="user.first_name")
    class ProductSerializer(serializers.ModelSerializer):
        price = serializers.DecimalField(max_digits=6, decimal_places=2)
        class Meta:
            fields = ["id", "title", "price", "user_id"]
    """


def test_data_of_a_serializer_declaring_personal_fields_is_reported():
    assert_project_reports({"app.serializers": SERIALIZERS, "app.tasks": """
        import analytics
        from app.serializers import ContactSerializer, LicenseRequestSerializer, RequesterSerializer
        def approved(license_request, contact):
            analytics.track(license_request.user_id, "approved", LicenseRequestSerializer(license_request).data)
            serializer = ContactSerializer(contact)
            analytics.track(license_request.user_id, "contacted", serializer.data)
            analytics.track(license_request.user_id, "requested", RequesterSerializer(license_request).data)
        """}, {"app.tasks": ["LL001 email sent to Segment track in 'properties'",
                             "LL004 phone number sent to Segment track in 'properties'",
                             "LL002 person name sent to Segment track in 'properties'"]})


def test_data_of_a_serializer_of_ids_and_product_fields_is_quiet():
    assert_project_reports({"app.serializers": SERIALIZERS, "app.tasks": """
        import analytics
        from app.serializers import ProductSerializer
        def bought(user, product):
            analytics.track(user.pk, "bought", ProductSerializer(product).data)
        """}, {})


def test_what_a_serializer_and_a_helper_reading_its_parameter_give_survives_the_cache(tmp_path, monkeypatch):
    # The cached index is what a pre-commit run re-analyses a changed file against: a class member holding
    # personal data, and a helper's parameter whose attribute it sends, must come back from it as they were.
    from leaklint import index as idx, index_data

    from harness import project_index
    from test_recall_reads import ANALYTICS

    index, _ = project_index({"app.serializers": SERIALIZERS, "app.analytics": ANALYTICS})
    again = index_data.from_data(index_data.to_data(index))
    assert again.modules == index.modules and again.functions == index.functions
    assert again.modules["app.serializers"].names["ContactSerializer.data"].pii
    assert any(p.implies for p in again.functions["app.analytics.set_user_info"].sink.params)
    assert idx._key(again) == idx._key(index)


def test_one_changed_file_is_checked_against_the_cached_index_of_such_a_project(tmp_path, monkeypatch):
    from pathlib import Path

    from leaklint import api, project

    from test_recall_reads import ANALYTICS

    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "serializers.py").write_text(dedent(SERIALIZERS))
    (app / "analytics.py").write_text(dedent(ANALYTICS))
    (app / "tasks.py").write_text(dedent("""
        import analytics
        from app import analytics as ours
        from app.serializers import ContactSerializer
        def contacted(user, contact):
            analytics.track(user.pk, "contacted", ContactSerializer(contact).data)
            ours.set_user_info(user)
        """))
    monkeypatch.chdir(tmp_path)
    whole = api.check_paths([Path(".")], cache=True).findings
    used: list[str] = []
    findings = project.Project.findings

    def noted(self):
        try:
            return findings(self)
        finally:
            used.append(self.cache_use)

    monkeypatch.setattr(project.Project, "findings", noted)
    (app / "tasks.py").write_text((app / "tasks.py").read_text() + "# reviewed\n")
    again = api.check_paths([Path("app/tasks.py")], cache=True).findings
    assert used == ["partial"]
    assert [(f.path, f.line, f.code) for f in again] == [(f.path, f.line, f.code) for f in whole
                                                         if f.path == str(Path("app/tasks.py"))]
    assert {f.code for f in again} == {"LL004", "LL002"}
