//! Maximum-cardinality capacitated matching: how many mentees can be matched at all.
//!
//! Hopcroft–Karp generalised to mentor capacities (Dinic on the unit-capacity bipartite
//! network): each phase finds the shortest augmenting paths by breadth-first search and
//! then a maximal set of them by depth-first search, so the number of phases stays near
//! √n. The search is iterative because augmenting paths can be as long as the graph is
//! wide, far too deep for recursion.

use std::cmp::Reverse;

use crate::graph::CandidateGraph;

/// Marks a vertex the current phase has not reached, or has found to lead nowhere.
const UNSEEN: u32 = u32::MAX;

/// The largest number of mentees that can be matched at once, as an assignment
/// `mentor_of`.
pub fn max_cardinality(graph: &CandidateGraph) -> Vec<Option<u32>> {
    let (offsets, heads, _) = graph.rows();
    let rows = Rows {
        offsets,
        heads,
        ends: offsets[1..].to_vec(),
    };
    let mut mentor_of = vec![None; graph.mentees()];
    Search::new(rows, graph.capacities(), &mentor_of).run(&mut mentor_of, usize::MAX);
    mentor_of
}

/// Each mentee's arcs heaviest first (ties by mentor), so that the arcs at or above any
/// threshold are a prefix of the row and a search at a high threshold touches only the
/// arcs it keeps. Built once for a whole threshold search.
pub(crate) struct HeaviestFirst<'g> {
    graph: &'g CandidateGraph,
    heads: Vec<u32>,
    weights: Vec<i64>,
}

impl<'g> HeaviestFirst<'g> {
    pub(crate) fn new(graph: &'g CandidateGraph) -> Self {
        let (offsets, heads, weights) = graph.rows();
        let mut arcs: Vec<(i64, u32)> =
            weights.iter().copied().zip(heads.iter().copied()).collect();
        for i in 0..graph.mentees() {
            arcs[offsets[i]..offsets[i + 1]].sort_unstable_by_key(|&(w, j)| (Reverse(w), j));
        }
        HeaviestFirst {
            graph,
            heads: arcs.iter().map(|&(_, j)| j).collect(),
            weights: arcs.iter().map(|&(w, _)| w).collect(),
        }
    }

    /// Grows `mentor_of`, which must be feasible and use only arcs weighing at least
    /// `threshold`, to the most mentees those arcs can match, or until `enough` are
    /// matched (which spares the final search that proves nothing more is possible).
    /// Starting from a good assignment skips most of the work.
    pub(crate) fn augment(&self, threshold: i64, mentor_of: &mut [Option<u32>], enough: usize) {
        let (offsets, _, _) = self.graph.rows();
        let ends = (0..self.graph.mentees())
            .map(|i| {
                let row = offsets[i]..offsets[i + 1];
                row.start + self.weights[row].partition_point(|&w| w >= threshold)
            })
            .collect();
        let rows = Rows {
            offsets,
            heads: &self.heads,
            ends,
        };
        Search::new(rows, self.graph.capacities(), mentor_of).run(mentor_of, enough);
    }
}

/// The arcs a search may use: mentee `i`'s are `heads[offsets[i]..ends[i]]`.
struct Rows<'a> {
    offsets: &'a [usize],
    heads: &'a [u32],
    ends: Vec<usize>,
}

/// The state one phase works in, kept between phases to reuse the allocations.
struct Search<'a> {
    offsets: &'a [usize],
    heads: &'a [u32],
    ends: Vec<usize>,
    capacities: &'a [u32],
    load: Vec<u32>,
    matched: usize,
    /// Breadth-first layer of each mentee (even) and mentor (odd), or `UNSEEN`.
    mentee_layer: Vec<u32>,
    mentor_layer: Vec<u32>,
    /// The next arc each mentee tries, and the next held mentee each mentor offers.
    next_arc: Vec<usize>,
    next_held: Vec<usize>,
    /// The mentees each mentor held when the phase began, as compressed rows.
    held_offsets: Vec<usize>,
    held: Vec<u32>,
    queue: Vec<u32>,
    path: Vec<u32>,
}

impl<'a> Search<'a> {
    fn new(rows: Rows<'a>, capacities: &'a [u32], mentor_of: &[Option<u32>]) -> Self {
        let mut load = vec![0u32; capacities.len()];
        for &j in mentor_of.iter().flatten() {
            load[j as usize] += 1;
        }
        let mentees = mentor_of.len();
        Search {
            offsets: rows.offsets,
            heads: rows.heads,
            ends: rows.ends,
            capacities,
            load,
            matched: mentor_of.iter().flatten().count(),
            mentee_layer: vec![UNSEEN; mentees],
            mentor_layer: vec![UNSEEN; capacities.len()],
            next_arc: vec![0; mentees],
            next_held: vec![0; capacities.len()],
            held_offsets: vec![0; capacities.len() + 1],
            held: Vec::new(),
            queue: Vec::new(),
            path: Vec::new(),
        }
    }

    fn run(&mut self, mentor_of: &mut [Option<u32>], enough: usize) {
        self.assign_greedily(mentor_of);
        while self.matched < enough && self.phase(mentor_of) > 0 {}
    }

    fn has_room(&self, mentor: u32) -> bool {
        self.load[mentor as usize] < self.capacities[mentor as usize]
    }

    /// A cheap first pass: most mentees find a mentor with room among their own arcs, so
    /// the phases only have to repair the rest.
    fn assign_greedily(&mut self, mentor_of: &mut [Option<u32>]) {
        for (i, slot) in mentor_of.iter_mut().enumerate() {
            if slot.is_some() {
                continue;
            }
            let free = (self.offsets[i]..self.ends[i]).find(|&arc| self.has_room(self.heads[arc]));
            if let Some(arc) = free {
                let j = self.heads[arc];
                *slot = Some(j);
                self.load[j as usize] += 1;
                self.matched += 1;
            }
        }
    }

    /// One phase: finds a maximal set of shortest augmenting paths and applies them.
    /// Returns how many mentees it matched (0 when the assignment is already maximum).
    fn phase(&mut self, mentor_of: &mut [Option<u32>]) -> usize {
        self.snapshot_held(mentor_of);
        let Some(limit) = self.layer(mentor_of) else {
            return 0;
        };
        let mut matched = 0;
        for start in 0..mentor_of.len() {
            if mentor_of[start].is_none()
                && self.mentee_layer[start] == 0
                && self.augment_from(start as u32, limit, mentor_of)
            {
                matched += 1;
            }
        }
        self.matched += matched;
        matched
    }

    fn snapshot_held(&mut self, mentor_of: &[Option<u32>]) {
        self.held_offsets.fill(0);
        for &j in mentor_of.iter().flatten() {
            self.held_offsets[j as usize + 1] += 1;
        }
        for j in 0..self.capacities.len() {
            self.held_offsets[j + 1] += self.held_offsets[j];
        }
        self.held
            .resize(self.held_offsets[self.capacities.len()], 0);
        self.next_held
            .copy_from_slice(&self.held_offsets[..self.capacities.len()]);
        for (i, &j) in mentor_of.iter().enumerate() {
            if let Some(j) = j {
                self.held[self.next_held[j as usize]] = i as u32;
                self.next_held[j as usize] += 1;
            }
        }
        self.next_held
            .copy_from_slice(&self.held_offsets[..self.capacities.len()]);
    }

    /// Breadth-first layers from the unmatched mentees, stopping at the first layer that
    /// reaches a mentor with room; returns that layer, or `None` if no mentor can be reached.
    fn layer(&mut self, mentor_of: &[Option<u32>]) -> Option<u32> {
        self.mentee_layer.fill(UNSEEN);
        self.mentor_layer.fill(UNSEEN);
        self.queue.clear();
        for (i, j) in mentor_of.iter().enumerate() {
            if j.is_none() {
                self.mentee_layer[i] = 0;
                self.queue.push(i as u32);
                self.next_arc[i] = self.offsets[i];
            }
        }
        let mut limit = None;
        let mut head = 0;
        while let Some(&i) = self.queue.get(head) {
            head += 1;
            let i = i as usize;
            let layer = self.mentee_layer[i];
            if limit.is_some_and(|limit| layer + 1 > limit) {
                break;
            }
            for arc in self.offsets[i]..self.ends[i] {
                let j = self.heads[arc];
                if self.mentor_layer[j as usize] != UNSEEN {
                    continue;
                }
                self.mentor_layer[j as usize] = layer + 1;
                if self.has_room(j) {
                    limit.get_or_insert(layer + 1);
                    continue;
                }
                for h in self.held_offsets[j as usize]..self.held_offsets[j as usize + 1] {
                    let held = self.held[h] as usize;
                    if self.mentee_layer[held] == UNSEEN {
                        self.mentee_layer[held] = layer + 2;
                        self.next_arc[held] = self.offsets[held];
                        self.queue.push(held as u32);
                    }
                }
            }
        }
        limit
    }

    /// Depth-first search along the layers for one augmenting path from `start`; applies
    /// it if found. Vertices that lead nowhere are marked `UNSEEN` so no later search in
    /// this phase walks into them again, which keeps a phase linear in the arcs.
    fn augment_from(&mut self, start: u32, limit: u32, mentor_of: &mut [Option<u32>]) -> bool {
        self.path.clear();
        self.path.push(start);
        while let Some(&i) = self.path.last() {
            let i = i as usize;
            let layer = self.mentee_layer[i];
            let mut descended = false;
            while self.next_arc[i] < self.ends[i] {
                let arc = self.next_arc[i];
                let j = self.heads[arc];
                if self.mentor_layer[j as usize] != layer + 1 {
                    self.next_arc[i] += 1;
                    continue;
                }
                if layer + 1 == limit {
                    if self.has_room(j) {
                        self.apply_path(mentor_of);
                        self.load[j as usize] += 1;
                        return true;
                    }
                    self.mentor_layer[j as usize] = UNSEEN;
                    self.next_arc[i] += 1;
                    continue;
                }
                match self.next_child(j, layer + 2) {
                    Some(child) => {
                        self.path.push(child);
                        descended = true;
                        break;
                    }
                    None => {
                        self.mentor_layer[j as usize] = UNSEEN;
                        self.next_arc[i] += 1;
                    }
                }
            }
            if !descended {
                self.mentee_layer[i] = UNSEEN;
                self.path.pop();
            }
        }
        false
    }

    /// The next mentee `mentor` held at the start of the phase that is still usable.
    fn next_child(&mut self, mentor: u32, layer: u32) -> Option<u32> {
        let j = mentor as usize;
        while self.next_held[j] < self.held_offsets[j + 1] {
            let child = self.held[self.next_held[j]];
            if self.mentee_layer[child as usize] == layer {
                return Some(child);
            }
            self.next_held[j] += 1;
        }
        None
    }

    /// Moves every mentee on the path to the mentor its current arc points at. Mentors in
    /// the middle keep their load (one mentee in, one out); the caller counts the last.
    fn apply_path(&mut self, mentor_of: &mut [Option<u32>]) {
        for &p in &self.path {
            let p = p as usize;
            mentor_of[p] = Some(self.heads[self.next_arc[p]]);
            // A mentee moved along a path has used its one unit of flow this phase.
            self.mentee_layer[p] = UNSEEN;
        }
    }
}

/// The vertices an alternating path from an unmatched mentee reaches, given a maximum
/// matching `mentor_of` of `graph`: `(mentees, mentors)`. Their complement on the mentee
/// side and the reached mentors (each counted at its capacity) are a vertex cover of the
/// size of the matching (König): so every pair between a reached mentee and an unreached
/// mentor is absent from the graph, and adding any such pair is what could enlarge the
/// matching.
pub(crate) fn reached(graph: &CandidateGraph, mentor_of: &[Option<u32>]) -> (Vec<bool>, Vec<bool>) {
    let mut mentees = vec![false; graph.mentees()];
    let mut mentors = vec![false; graph.mentors()];
    let mut held: Vec<Vec<u32>> = vec![Vec::new(); graph.mentors()];
    for (i, mentor) in mentor_of.iter().enumerate() {
        if let Some(j) = mentor {
            held[*j as usize].push(i as u32);
        }
    }
    let mut queue: Vec<u32> = (0..graph.mentees() as u32)
        .filter(|&i| mentor_of[i as usize].is_none())
        .collect();
    for &i in &queue {
        mentees[i as usize] = true;
    }
    while let Some(i) = queue.pop() {
        for (j, _) in graph.arcs(i as usize) {
            if mentor_of[i as usize] == Some(j) || mentors[j as usize] {
                continue;
            }
            mentors[j as usize] = true;
            for &k in &held[j as usize] {
                if !mentees[k as usize] {
                    mentees[k as usize] = true;
                    queue.push(k);
                }
            }
        }
    }
    (mentees, mentors)
}
