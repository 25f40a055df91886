//! Reading a problem file's JSON into [`ProblemFileIn`], strictly: objects where the format
//! has objects (serde's derived readers also take a struct as a positional array, which
//! would let `["x", 1]` stand for a mentor and slip past the unknown-field check), and
//! every shape error naming the entry it is in (`pairs[1]`, `mentors[0]`, `min_score`).

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{MentorIn, ProblemError, ProblemFileIn};

/// The innermost entry being read when reading failed; set once, by the deepest reader.
type Place = RefCell<Option<String>>;

pub(super) fn file(json: &str) -> Result<ProblemFileIn, ProblemError> {
    if json.starts_with('\u{feff}') {
        return Err(ProblemError::Json {
            line: 1,
            column: 1,
            entry: None,
            message: "the file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 \
                      without one"
                .into(),
        });
    }
    let place = Place::default();
    let mut reader = serde_json::Deserializer::from_str(json);
    let read = FileSeed { place: &place }
        .deserialize(&mut reader)
        .and_then(|file| reader.end().map(|()| file));
    read.map_err(|e| {
        // Syntax errors are about characters, not entries: the position says it all.
        let entry = match e.classify() {
            serde_json::error::Category::Data => place.take(),
            _ => None,
        };
        ProblemError::json(&e, entry)
    })
}

/// Records `entry` as where reading failed, unless a deeper reader already did.
fn within<T, E>(place: &Place, entry: impl FnOnce() -> String, read: Result<T, E>) -> Result<T, E> {
    if read.is_err() && place.borrow().is_none() {
        *place.borrow_mut() = Some(entry());
    }
    read
}

struct FileSeed<'a> {
    place: &'a Place,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Field {
    Mentees,
    Mentors,
    Pairs,
    Method,
    Objective,
    MinScore,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_> {
    type Value = ProblemFileIn;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ProblemFileIn, D::Error> {
        // `deserialize_map`, not `deserialize_struct`: only an object is a problem.
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_> {
    type Value = ProblemFileIn;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a problem object {\"mentees\": […], \"mentors\": […], \"pairs\": […]}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ProblemFileIn, A::Error> {
        let place = self.place;
        let (mut mentees, mut mentors, mut pairs) = (None, None, None);
        let (mut method, mut objective, mut min_score) = (None, None, None);
        while let Some(field) = map.next_key::<Field>()? {
            let name = match field {
                Field::Mentees => "mentees",
                Field::Mentors => "mentors",
                Field::Pairs => "pairs",
                Field::Method => "method",
                Field::Objective => "objective",
                Field::MinScore => "min_score",
            };
            let given = match field {
                Field::Mentees => mentees.is_some(),
                Field::Mentors => mentors.is_some(),
                Field::Pairs => pairs.is_some(),
                Field::Method => method.is_some(),
                Field::Objective => objective.is_some(),
                Field::MinScore => min_score.is_some(),
            };
            if given {
                return Err(de::Error::duplicate_field(name));
            }
            let entry = || name.to_owned();
            match field {
                Field::Mentees => {
                    let seed = List::<String>::new(name, place);
                    mentees = Some(within(place, entry, map.next_value_seed(seed))?);
                }
                Field::Mentors => {
                    let seed = List::<Strict<MentorIn>>::new(name, place);
                    let list = within(place, entry, map.next_value_seed(seed))?;
                    mentors = Some(list.into_iter().map(|m| m.0).collect());
                }
                Field::Pairs => {
                    let seed = List::<PairIn>::new(name, place);
                    let list = within(place, entry, map.next_value_seed(seed))?;
                    pairs = Some(list.into_iter().map(|p| p.0).collect());
                }
                Field::Method => method = Some(within(place, entry, map.next_value())?),
                Field::Objective => objective = Some(within(place, entry, map.next_value())?),
                Field::MinScore => min_score = Some(within(place, entry, map.next_value())?),
            }
        }
        Ok(ProblemFileIn {
            mentees: mentees.ok_or_else(|| de::Error::missing_field("mentees"))?,
            mentors: mentors.ok_or_else(|| de::Error::missing_field("mentors"))?,
            pairs: pairs.ok_or_else(|| de::Error::missing_field("pairs"))?,
            method: method.flatten(),
            objective: objective.flatten(),
            min_score: min_score.flatten(),
        })
    }
}

/// A JSON array whose entries are read one by one, so that a bad one is named `list[k]`.
struct List<'a, T> {
    name: &'static str,
    place: &'a Place,
    entries: PhantomData<T>,
}

impl<'a, T> List<'a, T> {
    fn new(name: &'static str, place: &'a Place) -> Self {
        Self {
            name,
            place,
            entries: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for List<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for List<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of {}", self.name)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut entries = Vec::new();
        loop {
            let k = entries.len();
            let entry = || format!("{}[{k}]", self.name);
            match within(self.place, entry, seq.next_element::<T>())? {
                Some(value) => entries.push(value),
                None => return Ok(entries),
            }
        }
    }
}

/// A derived struct that must be written as a JSON object, never as a positional array.
struct Strict<T>(T);

/// The derived readers, objects only through [`Strict`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MentorFields {
    id: String,
    capacity: f64,
}

impl<'de> Deserialize<'de> for Strict<MentorIn> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = MentorFields;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mentor object {\"id\": \"…\", \"capacity\": …}")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MentorFields, A::Error> {
                MentorFields::deserialize(MapAccessDeserializer::new(map))
            }
        }
        let MentorFields { id, capacity } = d.deserialize_map(Object)?;
        Ok(Strict(MentorIn { id, capacity }))
    }
}

/// `[mentee index, mentor index, score]`, with a message that counts the elements.
struct PairIn([f64; 3]);

impl<'de> Deserialize<'de> for PairIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(PairVisitor)
    }
}

struct PairVisitor;

const PAIR_SHAPE: &str = "3 elements [mentee index, mentor index, score]";

impl<'de> Visitor<'de> for PairVisitor {
    type Value = PairIn;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(PAIR_SHAPE)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PairIn, A::Error> {
        let mut pair = [0.0; 3];
        for (found, slot) in pair.iter_mut().enumerate() {
            match seq.next_element::<f64>()? {
                Some(value) => *slot = value,
                None => {
                    return Err(de::Error::custom(format!(
                        "expected {PAIR_SHAPE}, found {found}"
                    )));
                }
            }
        }
        let mut found = 3;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            found += 1;
        }
        if found > 3 {
            return Err(de::Error::custom(format!(
                "expected {PAIR_SHAPE}, found {found}"
            )));
        }
        Ok(PairIn(pair))
    }
}
