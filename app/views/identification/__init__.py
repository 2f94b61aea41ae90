"""Pages of identification: the assessment queue and page, standards, simulation, fairness checks,
public notices and objections, progress."""
