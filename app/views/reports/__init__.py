"""Reports (统计报表): the leader's dashboard."""
