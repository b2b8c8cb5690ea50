from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key], or None; for dicts keyed by ids."""
    return mapping.get(key) if mapping else None


@register.filter
def mul(value, factor):
    """value × factor, for drawing charts; empty on a non-number."""
    try:
        return float(value) * float(factor)
    except (TypeError, ValueError):
        return ""
