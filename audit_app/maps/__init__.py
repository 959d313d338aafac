"""Maps and the gap report: hub wheel, RAG, maturity and Appendix A maps, gap map."""
