"""An SDK client held through a class or factory of another package (its class unknown to leaklint) is
recognised by a deep attribute path that only that SDK has (`.crm.objects.basic_api.create`)."""

from __future__ import annotations

from harness import assert_reports


def test_a_client_from_a_wrapper_package_is_known_by_its_deep_attribute_path():
    assert_reports("""
        from hubspot.crm.objects import SimplePublicObjectInput
        from shared_lib.hubspot_api import HubspotApi
        def sync_certificate(cert):
            client = HubspotApi(access_token="t")
            properties = {"title": cert.course_run.title, "user_email": cert.user.email}
            client.crm.objects.basic_api.create(
                object_type="certificate",
                simple_public_object_input_for_create=SimplePublicObjectInput(properties=properties),
            )
        """, ["LL001 email sent to HubSpot create (marketing/CRM) in 'properties'"])


def test_a_client_passed_in_is_known_by_its_path_and_ids_alone_stay_quiet():
    assert_reports("""
        from hubspot.crm.objects import SimplePublicObjectInput
        def sync_contact(client, user):
            client.crm.contacts.basic_api.update(
                contact_id=user.hubspot_id, simple_public_object_input=SimplePublicObjectInput(
                    properties={"email": user.email}))
        def sync_product(client, product):
            client.crm.objects.basic_api.update(
                object_type="product", object_id=product.hubspot_id,
                simple_public_object_input=SimplePublicObjectInput(properties={"price": str(product.price)}))
        """, ["LL001 email sent to HubSpot update (marketing/CRM) in 'properties'"])


def test_a_short_path_on_an_unknown_object_is_not_taken_for_an_sdk():
    # `basic_api.create` or `objects.create` alone are any library's names, not HubSpot's.
    assert_reports("""
        from shared_lib import make_client
        def save(user):
            client = make_client()
            client.basic_api.create(properties={"email": user.email})
            client.objects.create(properties={"email": user.email})
            client.crm.objects.basic_api.create(object_type="note", properties={"email": user.email})
        """, [])
