"""A serializer's `.data` holds the fields the serializer class declares: personal data when a declared
field or a `Meta.fields` name is, whatever the class is called, and through the classes it extends."""

from __future__ import annotations

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
