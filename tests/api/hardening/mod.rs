//! Findings of the security review, each replayed as the attack it was: consent between
//! organizations, staff powers that stop at their organization's edge, and a hidden result that
//! no side door reveals.

mod hidden_results;
mod org_boundaries;
mod responses;
