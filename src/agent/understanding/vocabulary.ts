/** Day and month names, and words about when, that end a name ("at the Black Bull tomorrow"). */
export const WHEN_WORDS = new Set([
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'mondays', 'tuesdays',
  'wednesdays', 'thursdays', 'fridays', 'saturdays', 'sundays', 'today', 'tomorrow', 'tonight', 'yesterday',
  'morning', 'afternoon', 'evening', 'night', 'noon', 'midday', 'midnight', 'lunchtime', 'teatime', 'bedtime',
  'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november',
  'december', 'next', 'this', 'every', 'daily', 'weekly', 'week', 'weekend', 'month', 'sometime', 'soon',
  'later', "o'clock", 'am', 'pm', 'half', 'quarter', 'instead', 'asap',
]);

/** Treatments at a hairdresser, barber, nail bar or beauty salon, longest phrases first. */
export const SALON_SERVICES = [
  'short back and sides', 'head massage', 'hair spa', 'eyebrow shaping', 'lash lift', 'nail art', 'shellac', 'acrylics', 'hot towel shave', 'wash and blow dry', 'wash cut and blow dry', 'cut and blow dry', 'shampoo and set', 'wash and set', 'cut and colour',
  'cut and color', 'hair colouring', 'hair coloring', 'hair colour', 'hair color', 'hair dye', 'hair cut',
  'beard trim', 'wet shave', 'blow dry', 'blow-dry', 'blowdry', 'root touch up', 'roots done', 'gel nails',
  'nail appointment', 'eyebrow threading', 'eyebrow wax', 'eyebrows', 'leg wax', 'haircut', 'trim', 'perm',
  'highlights', 'lowlights', 'colouring', 'coloring', 'colour', 'color', 'tint', 'dye', 'manicure', 'pedicure',
  'mani pedi', 'nails', 'shave', 'facial', 'waxing', 'threading', 'massage', 'blowout', 'updo', 'fringe trim',
  'set', 'style', 'hairdo', 'makeover', 'spray tan', 'lashes', 'hair done', 'hair cut short', 'cut',
];

/** Words that make a request about a hairdresser, barber or beauty salon. */
export const SALON_WORDS =
  /\b(?:hair|haircut|hairdresser'?s?|hairdressing|salon|barber'?s?|barbershop|trim|perm|blow[- ]?dry|manicure|pedicure|nails?|shave|facial|wax(?:ing)?|highlights|colou?ring|beauty|spa|stylist|eyebrows?|lashes|beautician|mani)\b/;

/** Words that make a request about a restaurant, café or pub table. */
export const RESTAURANT_WORDS =
  /\b(?:table|restaurant|dinner|lunch|breakfast|brunch|supper|meal|eat|eating|dine|dining|cafe|café|pub|bistro|diner|carvery|afternoon tea|cream tea|coffee shop|tea ?room|pizzeria|steakhouse|brasserie|grill|inn|curry|sunday roast|reservation)\b/;

/** Kinds of place that are not a venue's name on their own ("book me at the hairdresser"). */
export const GENERIC_PLACES = new Set([
  'restaurant', 'cafe', 'café', 'pub', 'salon', 'hairdresser', 'hairdressers', "hairdresser's", 'barber', 'barbers',
  "barber's", 'hair salon', 'nail salon', 'beauty salon', 'place', 'usual place', 'usual', 'same place',
  'usual restaurant', 'usual hairdresser', 'usual salon', 'doctor', "doctor's", 'doctors', 'dentist', "dentist's",
  'hospital', 'home', 'house', 'church', 'park', 'shops', 'shop', 'town', 'beach', 'bank', 'post office',
  'chemist', 'pharmacy', 'surgery', 'clinic', 'library', 'garden', 'market', 'supermarket', 'nail bar', 'spa',
  'hair place', 'local', 'local pub', 'local cafe', 'new place', 'nice place', 'somewhere', 'somewhere nice',
  'a restaurant', 'bistro', 'diner', 'steakhouse', 'pizzeria',
]);

/** Words naming a kind of venue, kept at the end of a name ("Blue Moon cafe", "Maria's salon"). */
export const VENUE_KIND_WORDS = new Set([
  'cafe', 'café', 'restaurant', 'pub', 'bistro', 'salon', 'bar', 'grill', 'diner', 'inn', 'kitchen', 'barbers',
  "barber's", 'barber', 'barbershop', 'hair', 'nails', 'spa', 'studio', 'house', 'tavern', 'brasserie', 'pizzeria',
  'steakhouse', 'tearooms', 'tearoom', 'hotel', 'club', 'lounge', 'arms', 'canteen', 'carvery', 'trattoria',
  'beauty', 'parlour', 'parlor', 'cuts', 'hairdressers', 'rooms', 'room', 'garden', 'gardens', 'lodge', 'tavern',
]);

/** Names of medicines people often write in lower case and which the suffix rules would miss. */
export const COMMON_MEDICINE_WORDS = new Set([
  'insulin', 'paracetamol', 'ibuprofen', 'codeine', 'morphine', 'heparin', 'digoxin',
  'thyroxine', 'iron', 'calcium', 'magnesium', 'potassium', 'zinc', 'folic acid', 'cod liver oil', 'fish oil',
  'melatonin', 'vitamins', 'multivitamin', 'multivitamins', 'antibiotics', 'antibiotic', 'steroids', 'inhaler',
  'nasal spray', 'laxative', 'probiotic', 'statin',
  'statins', 'prednisone', 'tramadol', 'co-codamol', 'gaviscon', 'senna', 'lactulose',
  'glucosamine', 'turmeric', 'eliquis', 'xarelto', 'januvia', 'tylenol', 'advil', 'lipitor', 'zocor', 'plavix',
]);

/** Generic words for medicine that say "a medicine" without naming which. */
export const MEDICINE_NOUNS =
  /\b(?:pills?|tablets?|medicines?|medications?|meds|capsules?|drops|eye ?drop|ear ?drop|inhaler|puffer|injections?|jabs?|insulin|vitamins?|supplements?|patch(?:es)?|dose|doses|prescription|antibiotics?|cream|ointment|spray|syrup|lozenges?)\b/;

/** Words that ask for a place to be kept: "book", "reserve", "a reservation", "a table", "a spot". */
export const BOOKING_ACTION = /\b(?:book|booking|booked|reserve|reserving|reservation|reservations|a table|table for|need a table|want a table|a spot|a seat|party of|appointment|get me in|get us in|squeeze me in|fit me in)\b/;

/** Kinds of place to eat or drink, beyond the words of RESTAURANT_WORDS ("a tapas bar", "a noodle joint"). */
export const EATING_PLACES =
  /\b(?:restaurants?|bars?|pubs?|cafes?|café|bistros?|diners?|brasserie|steakhouse|pizzeria|joint|eatery|tavern|taverna|osteria|trattoria|deli|delicatessen|bakery|food court|food truck|coffee ?house|tea ?house|tea ?room|gastropub|buffet|carvery|canteen|curry house|chippy|fish and chip|sushi|noodle|tapas|grill|inn|table)\b/;

/** Bookings the assistant does not make: travel, rooms, cars, tickets. */
export const NOT_OUR_BOOKINGS = /\b(?:hotel|room|rooms|flights?|plane|train|coach|taxi|cab|uber|lyft|car|rental|hire|visa|tickets?|holiday|vacation|trip|cruise|cinema|theatre|theater|movie|film|show|concert|doctor|dentist|gp|hospital|optician|surgery|clinic|vet|mechanic|garage|service|meeting)\b/;
