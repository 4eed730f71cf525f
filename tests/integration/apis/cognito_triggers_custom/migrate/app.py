"""UserMigration from a legacy directory (a dict here): at sign-in the user's password is checked
and the user created confirmed, or made to reset it; in the forgot-password flow the user is
created from the directory without a password."""

from typing import Any

LEGACY = {
    "lin": {"password": "Legacy-Pass-1", "email": "lin@example.test", "reset": False},
    "mae": {"password": "Legacy-Pass-2", "email": "mae@example.test", "reset": True},
    "ray": {"password": "Legacy-Pass-3", "email": "ray@example.test", "reset": False},
}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    user = LEGACY.get(event["userName"])
    if user is None:
        raise LookupError("User not found")
    if event["triggerSource"] == "UserMigration_Authentication":
        if event["request"]["password"] != user["password"]:
            raise PermissionError("Bad password")
        status = "RESET_REQUIRED" if user["reset"] else "CONFIRMED"
    else:
        status = "RESET_REQUIRED"
    event["response"]["userAttributes"] = {
        "email": user["email"],
        "email_verified": "true",
        "nickname": f"{event['triggerSource']}:{event['request'].get('clientMetadata')}",
    }
    event["response"]["finalUserStatus"] = status
    event["response"]["messageAction"] = "SUPPRESS"
    return event
