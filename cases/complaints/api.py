"""The complaint's fields in a case's `details` on /api/v1/ (declared on its CaseType). The
sender's name and contact details are left out: systems follow cases, they do not need the
person who wrote in. Complaints are not created through the API (they come from the e-service)."""

from rest_framework import serializers

from .models import Complaint


class ComplaintApiSerializer(serializers.ModelSerializer):
    complaint_type = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    topics = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    sender_category = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    channel = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Complaint
        fields = ["source", "complaint_type", "topics", "sender_category", "channel", "anonymous"]
        read_only_fields = fields
