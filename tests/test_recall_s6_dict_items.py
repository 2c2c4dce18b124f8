"""`for key, value in d.items()`: what a dict of personal data carries is in its values; its keys (course
ids, dates) are not made personal data by them, a key named like personal data still is, and the keys of a
dict passed in are judged where the caller builds it (the key keeps the parameter's flow)."""

from __future__ import annotations

from harness import assert_reports


def test_the_keys_of_a_dict_of_emails_are_not_emails_but_its_values_are():
    assert_reports("""
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        def enroll(user):
            emails_by_course = {"course-1": user.email}
            for course_id, emails in emails_by_course.items():
                mp.track(user.pk, "enrolled", {"course": course_id})
                mp.track(user.pk, "enrolled", {"who": emails})
        """, ["LL001 email sent to Mixpanel track in 'properties'"])


def test_a_key_named_like_personal_data_is_still_reported_by_its_name():
    assert_reports("""
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        def report(user, counts_by_email):
            for email, count in counts_by_email.items():
                mp.track(user.pk, "counted", {"email": email, "count": count})
        """, ["LL001 email sent to Mixpanel track in 'properties'"])

