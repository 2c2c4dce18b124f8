"""Vendors' functions that send data and are called directly by applications, beyond their public door."""

from __future__ import annotations

from harness import assert_reports


def test_the_hugging_face_telemetry_thread_function_called_directly_is_a_sink():
    assert_reports("""
        import httpx
        from huggingface_hub.utils._telemetry import _send_telemetry_in_thread
        def public_ip():
            return httpx.get("https://checkip.amazonaws.com/", timeout=3).text.strip()
        def report(topic, data):
            data["ip_address"] = public_ip()
            _send_telemetry_in_thread(topic=topic, library_name="app", user_agent=data)
        def report_version(topic, data):
            _send_telemetry_in_thread(topic=topic, library_name="app", user_agent={"version": data.get("version")})
        """, ["LL005 IP address sent to Hugging Face Hub _send_telemetry_in_thread in 'user_agent'"])
