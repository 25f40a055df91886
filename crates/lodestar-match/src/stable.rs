//! Stable assignment: mentee-proposing deferred acceptance with mentor capacities (the
//! hospitals/residents algorithm of Gale and Shapley).
//!
//! Both sides rank a pair by its weight; ties are broken by index (the lower index is
//! preferred), which after the problem module's canonical ordering means by id. The
//! result is the mentee-optimal stable assignment: no mentee and mentor would both rather
//! be together, and every mentee gets the best mentor it has in any stable assignment. It
//! does not depend on the order in which proposals are made.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::graph::CandidateGraph;

/// The mentee-optimal stable assignment of `graph`, as `mentor_of` (mentor indices).
/// Takes O(arcs · log capacity) after sorting each mentee's arcs.
pub fn stable(graph: &CandidateGraph) -> Vec<Option<u32>> {
    let (offsets, heads, weights) = graph.rows();
    // Each mentee's arcs, best first: the order in which it proposes.
    let mut preferences: Vec<(Reverse<i64>, u32)> = weights
        .iter()
        .map(|&w| Reverse(w))
        .zip(heads.iter().copied())
        .collect();
    for i in 0..graph.mentees() {
        preferences[offsets[i]..offsets[i + 1]].sort_unstable();
    }
    // Each mentor's current mentees, least preferred on top: the lowest weight, and among
    // equal weights the highest mentee index.
    let mut held: Vec<BinaryHeap<(Reverse<i64>, u32)>> = vec![BinaryHeap::new(); graph.mentors()];
    let mut next_proposal: Vec<usize> = offsets[..graph.mentees()].to_vec();
    let mut mentor_of = vec![None; graph.mentees()];
    // Mentees who still have to propose; the outcome does not depend on the order.
    let mut free: Vec<u32> = (0..graph.mentees() as u32).rev().collect();

    while let Some(i) = free.pop() {
        let i_index = i as usize;
        let Some(&(Reverse(weight), j)) =
            preferences[next_proposal[i_index]..offsets[i_index + 1]].first()
        else {
            continue; // rejected by every candidate: stays unmatched
        };
        next_proposal[i_index] += 1;
        let capacity = graph.capacity(j as usize) as usize;
        if capacity == 0 {
            free.push(i);
            continue;
        }
        let mentees = &mut held[j as usize];
        mentees.push((Reverse(weight), i));
        mentor_of[i_index] = Some(j);
        if mentees.len() > capacity
            && let Some((_, rejected)) = mentees.pop()
        {
            mentor_of[rejected as usize] = None;
            free.push(rejected);
        }
    }
    mentor_of
}
