"""Reports at the edge: the morning report (``daily``), built once from the metric layer, rendered many ways."""
