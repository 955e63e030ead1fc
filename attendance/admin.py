"""Django admin (superusers only): the schools' attendance letter templates."""

from django.contrib import admin

from attendance.models import LetterTemplate


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "school")
    list_filter = ("school",)
    search_fields = ("name",)
