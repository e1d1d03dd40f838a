from django import template

from congvu.documents.exports import row

register = template.Library()


@register.filter
def register_row(doc):
    return row(doc)
