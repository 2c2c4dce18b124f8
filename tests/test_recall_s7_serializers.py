"""A Django REST framework serializer's `.data` carries the personal data of the fields it declares and
of those its base serializers declare, and only a class extending the framework's serializers is read so."""

from __future__ import annotations

from harness import assert_project_reports

BASES = """
    from rest_framework import serializers
    class SubsidyRequestSerializer(serializers.ModelSerializer):
        email = serializers.EmailField(read_only=True, source="user.email")
        class Meta:
            fields = ["uuid", "email", "course_id"]
    class CourseSerializer(serializers.ModelSerializer):
        class Meta:
            fields = ["uuid", "title"]
    """


def test_a_serializer_adding_fields_to_a_base_in_another_module_keeps_the_bases_fields():
    assert_project_reports({"app.base": BASES, "app.serializers": """
        from rest_framework import serializers
        from app.base import CourseSerializer, SubsidyRequestSerializer
        class LicenseRequestSerializer(SubsidyRequestSerializer):
            class Meta:
                fields = SubsidyRequestSerializer.Meta.fields + ["phone_number", "license_uuid"]
        class CouponRequestSerializer(SubsidyRequestSerializer):
            home_address = serializers.CharField(source="user.address")
        class CourseRunSerializer(CourseSerializer):
            class Meta:
                fields = CourseSerializer.Meta.fields + ["start", "end"]
        """, "app.tasks": """
        import analytics
        from app.serializers import CouponRequestSerializer, CourseRunSerializer, LicenseRequestSerializer
        def approved(request, run):
            analytics.track(request.lms_user_id, "license", LicenseRequestSerializer(request).data)
            analytics.track(request.lms_user_id, "coupon", CouponRequestSerializer(request).data)
            analytics.track(request.lms_user_id, "run", CourseRunSerializer(run).data)
        """}, {"app.tasks": ["LL001 email sent to Segment track in 'properties'",
                             "LL004 phone number sent to Segment track in 'properties'",
                             "LL001 email sent to Segment track in 'properties'",
                             "LL004 postal address sent to Segment track in 'properties'"]})


def test_only_a_class_extending_the_frameworks_serializers_is_read_as_one():
    assert_project_reports({"app.tasks": """
        import analytics
        from rest_framework.serializers import ModelSerializer
        class LearnerOut(ModelSerializer):
            class Meta:
                fields = ("id", "email")
        class ExportSerializer:  # named so, but not the framework's: its `.data` is not known
            class Meta:
                fields = ("id", "phone_number")
        def sent(user, learner, export):
            analytics.track(user.pk, "learner", LearnerOut(learner).data)
            analytics.track(user.pk, "export", ExportSerializer(export).data)
        """}, {"app.tasks": ["LL001 email sent to Segment track in 'properties'"]})


def test_a_serializer_re_exported_by_its_package_is_read_where_it_is_defined(tmp_path):
    # `from app.serializers import S` with S defined in `app/serializers/requests.py`: the package's
    # `__init__.py` only passes it on, so the module defining it is analysed too.
    from test_project import write_tree

    from leaklint.api import check_paths

    write_tree(tmp_path, {"pyproject.toml": "", "app/__init__.py": "",
                          "app/serializers/__init__.py": "from .requests import LicenseRequestSerializer, CourseSerializer\n",
                          "app/serializers/requests.py": """
        from rest_framework import serializers
        class LicenseRequestSerializer(serializers.ModelSerializer):
            email = serializers.EmailField(read_only=True, source="user.email")
            class Meta:
                fields = ["uuid", "email"]
        class CourseSerializer(serializers.ModelSerializer):
            class Meta:
                fields = ["uuid", "title"]
        """, "app/events.py": """
        import analytics
        def track_event(lms_user_id, event_name, properties):
            analytics.track(lms_user_id, event_name, properties)
        """, "app/tasks.py": """
        from app.events import track_event
        from app.serializers import CourseSerializer, LicenseRequestSerializer
        def approved(request, course):
            track_event(request.lms_user_id, "license", LicenseRequestSerializer(request).data)
            track_event(request.lms_user_id, "course", CourseSerializer(course).data)
        """})
    found = check_paths([tmp_path]).findings
    assert [(f.path.rsplit("/", 1)[-1], f.line, f.code) for f in found] == [("tasks.py", 4, "LL001")]
