//! Everyday sentences for each seeded life area, written by us as a person might jot them in a
//! journal. The semantic classifier ([`crate::classify_semantic`]) compares a text with these
//! (and with each area's name and description) by meaning, so "Went for a run" can land on
//! Physical Health without sharing a word with it. They are prototypes, not training data: none
//! is taken from an evaluation set.

/// Example sentences of each seeded area, by slug (6 to 8 each).
pub const AREA_EXAMPLES: &[(&str, &[&str])] = &[
    (
        "work",
        &[
            "Long day at the office, my manager moved the deadline again",
            "My boss praised my project in front of everyone",
            "Lost my job today",
            "Finished the quarterly report for the team lead",
            "Job interview went well",
            "Overtime every evening this week",
        ],
    ),
    (
        "finance",
        &[
            "Paid off the last of my credit card debt",
            "Rent went up and I am worried about money",
            "Started putting some savings aside each month",
            "Spent too much on shopping this weekend",
            "Got an unexpected bill from the bank",
            "Made a budget for next month",
        ],
    ),
    (
        "living-environment",
        &[
            "Cleaned and tidied the whole flat",
            "Moved into a new apartment",
            "The neighbours were noisy all night",
            "Finally fixed the leaking kitchen tap",
            "Rearranged the furniture in the living room",
            "Argued with my roommate about the dishes",
        ],
    ),
    (
        "legal-civic",
        &[
            "Filed my tax return",
            "Went to vote in the local election",
            "Got a parking fine",
            "Signed the contract with the lawyer",
            "Renewed my passport at the town hall",
            "Was stopped by the police on the way home",
        ],
    ),
    (
        "time-energy-management",
        &[
            "Too many things on my plate this week, no time for anything",
            "Planned my week on Sunday evening",
            "Running late for everything today",
            "Felt drained of energy by the afternoon",
            "Spent the whole day waiting around",
            "Got my morning routine back on track",
        ],
    ),
    (
        "romantic-intimacy",
        &[
            "Date night with my partner",
            "We broke up after three years",
            "Had a fight with my boyfriend",
            "My wife and I celebrated our anniversary",
            "Went on a first date with someone new",
            "Felt very close to my girlfriend tonight",
        ],
    ),
    (
        "family",
        &[
            "Called my mother on Sunday",
            "Played with the kids after school",
            "My brother and I had an argument",
            "Visited my grandparents",
            "Family dinner for my father's birthday",
            "My daughter took her first steps",
        ],
    ),
    (
        "friendships",
        &[
            "Coffee with an old friend",
            "My best friend did not return my calls",
            "Had the gang over for dinner",
            "A friend let me down when I needed help",
            "Caught up with a friend I had not seen in years",
            "Made a new friend at the party",
        ],
    ),
    (
        "professional-network",
        &[
            "Lunch with a colleague from another department",
            "Met a potential client at the conference",
            "My mentor gave me useful advice on my career",
            "A coworker took credit for my work",
            "Networking event after work",
            "Good meeting with the team",
        ],
    ),
    (
        "community-belonging",
        &[
            "Went to the neighbourhood street party",
            "Joined a local running club",
            "Felt like an outsider at the gathering",
            "Strangers on the bus were rude to me",
            "Helped organise the village fair",
            "Felt at home with the group at church",
        ],
    ),
    (
        "physical-health",
        &[
            "Did a hard workout with weights",
            "Lay awake until three in the morning",
            "Went for a run in the morning",
            "Caught a cold and stayed in bed",
            "Doctor's appointment about my back pain",
            "Ate healthy all week",
            "Sprained my ankle",
            "Had surgery at the hospital",
        ],
    ),
    (
        "mental-health",
        &[
            "Anxious all day for no clear reason",
            "Had a panic attack on the train",
            "Therapy session helped a lot",
            "Feeling depressed and unmotivated",
            "Stress is keeping me awake at night",
            "Burned out and overwhelmed",
        ],
    ),
    (
        "emotional-wellbeing",
        &[
            "Felt really happy today",
            "Cried for no reason this evening",
            "I was angry and could not calm down",
            "Feeling lonely",
            "A quiet, content day",
            "Overwhelmed with gratitude",
        ],
    ),
    (
        "personal-growth",
        &[
            "Kept my new habit for thirty days",
            "Decided to stop procrastinating",
            "Worked on being more patient with people",
            "Stepped out of my comfort zone",
            "Noticed I was repeating an old mistake",
            "Set goals for the coming year",
        ],
    ),
    (
        "spirituality-meaning",
        &[
            "Sat in silence and focused on my breath",
            "Went to church on Sunday",
            "Prayed for my family",
            "Felt a deep sense of peace at the temple",
            "Thinking about what my life means",
            "Yoga and breathing practice in the evening",
        ],
    ),
    (
        "creative-expression",
        &[
            "Wrote a poem",
            "Painted for the whole afternoon",
            "Practised the guitar",
            "Worked on my novel",
            "Sang in the choir",
            "Made a ceramic bowl in pottery class",
        ],
    ),
    (
        "hobbies-play",
        &[
            "Played football with friends",
            "Board game night",
            "Spent the afternoon gardening for fun",
            "Won the chess tournament",
            "Went fishing",
            "Played video games all evening",
        ],
    ),
    (
        "style-aesthetics",
        &[
            "Bought a new coat",
            "Got a haircut",
            "Redecorated the bedroom with new colours",
            "Felt good about how I looked today",
            "Someone laughed at my clothes",
            "Sorted out my wardrobe",
        ],
    ),
    (
        "humor-levity",
        &[
            "Laughed until I cried at a comedy show",
            "My friend told the funniest joke",
            "We were silly all evening",
            "Watched a funny film",
            "Made everyone laugh at dinner",
            "A prank at the office went too far",
        ],
    ),
    (
        "sensuality-pleasure",
        &[
            "Cooked a delicious meal",
            "Long hot bath with candles",
            "Had a massage",
            "Tried a wonderful new restaurant",
            "Glass of wine in the sun",
            "Ate something that made me feel sick",
        ],
    ),
    (
        "travel-adventure",
        &[
            "Flew to Lisbon for the weekend",
            "Road trip along the coast",
            "Missed my flight",
            "Hiked to a place I had never been",
            "Booked a holiday abroad",
            "Got lost in a foreign city",
        ],
    ),
    (
        "learning-education",
        &[
            "Passed my exam",
            "Failed the driving test",
            "Started an online course",
            "Studied for hours in the library",
            "Got my grades back",
            "Learned a new language word every day",
            "Went to an evening lecture on economics",
        ],
    ),
    (
        "innovation-experimentation",
        &[
            "Tried a new way of organising my work",
            "Built a prototype of my app idea",
            "Experimented with a new recipe",
            "Started a side project",
            "Tested a new tool and it changed everything",
            "Had an idea for a business",
        ],
    ),
    (
        "nature-environment",
        &[
            "Walk in the forest",
            "Took the dog to the park",
            "Watched the sunset at the beach",
            "Planted tomatoes in the garden",
            "Storm knocked down a tree",
            "Picked up litter by the river",
        ],
    ),
    (
        "curiosity-wonder",
        &[
            "Looked at the stars for an hour",
            "Fell down a rabbit hole reading about black holes",
            "Visited the science museum",
            "Amazed by how the bees work together",
            "Asked a lot of questions at the lecture",
            "Discovered a hidden street in my own city",
        ],
    ),
    (
        "purpose-mission",
        &[
            "Thinking about what I really want to do with my life",
            "Wrote down my personal mission",
            "Realised my work has no meaning for me",
            "Decided on the direction for the next five years",
            "Felt I am doing what I am meant to do",
            "Dreaming about a different future",
        ],
    ),
    (
        "values-integrity",
        &[
            "Told the truth even though it was hard",
            "Someone lied to me",
            "I broke a promise and feel guilty",
            "Refused to cheat",
            "Stood up for what is right",
            "Was treated unfairly",
        ],
    ),
    (
        "legacy-impact",
        &[
            "Wrote my will",
            "Thinking about what I will leave behind",
            "Started recording my grandmother's stories for the family",
            "My project will outlast me",
            "Planted a tree for future generations",
            "A former student told me I changed their life",
        ],
    ),
    (
        "contribution-service",
        &[
            "Volunteered at the food bank",
            "Helped a neighbour carry groceries",
            "Donated to a charity",
            "Helped a stranger who was lost",
            "Mentored a young person",
            "Gave blood",
        ],
    ),
    (
        "wisdom-integration",
        &[
            "Learned an important lesson from this mistake",
            "Looking back, I understand my parents better",
            "Finally accepted what happened",
            "Reflected on the past year",
            "Realised what really matters",
            "Saw the situation from another perspective",
        ],
    ),
];

/// The examples of the seeded area `slug` (empty for custom areas).
pub fn examples(slug: &str) -> &'static [&'static str] {
    AREA_EXAMPLES
        .iter()
        .find(|(s, _)| *s == slug)
        .map_or(&[], |(_, e)| *e)
}
