"""Carers' quality of life: the local survey beside the published figures."""
