/**
 * The words a punch session code is made of: 256 short, concrete English nouns, one byte each.
 * Our own list, chosen to be read aloud over a phone: no homophones of each other, no two words
 * sharing their first three letters (so "gui" is enough to know "guitar" was meant, and a typo
 * in the tail is forgiven), nothing longer than eight letters.
 *
 * Why 256 words and six of them (48 bits) rather than the usual 2048-word lists: a list of 256
 * is small enough to keep in the source and to check by eye, and six short nouns still read
 * aloud in a few seconds. What the 48 bits must withstand is in code.ts.
 */
export const WORDS: readonly string[] = [
  'acorn', 'actor', 'adobe', 'agent', 'album', 'alley', 'amber', 'angel', 'ankle', 'apple', 'april', 'arena',
  'arrow', 'atlas', 'attic', 'autumn', 'bacon', 'badge', 'baker', 'bamboo', 'banjo', 'barn', 'basin',
  'beach', 'bench', 'berry', 'bishop', 'blanket', 'bloom', 'board', 'bottle', 'brick', 'brush', 'bucket',
  'buffalo', 'bugle', 'butter', 'cabin', 'cactus', 'camel', 'candle', 'carpet', 'castle', 'cedar', 'chalk',
  'cherry', 'chimney', 'circus', 'clover', 'cobra', 'coffee', 'comet', 'copper', 'coral', 'cotton', 'cougar',
  'crayon', 'cricket', 'crown', 'cupboard', 'daisy', 'dancer', 'delta', 'denim', 'desert', 'dingo',
  'dolphin', 'donkey', 'dragon', 'drum', 'duckling', 'dune', 'eagle', 'easel', 'echo', 'eclipse', 'elbow',
  'elephant', 'elk', 'ember', 'engine', 'envelope', 'falcon', 'feather', 'fender', 'ferry', 'fiddle',
  'finch', 'flag', 'flute', 'forest', 'fossil', 'fountain', 'fox', 'fridge', 'frog', 'galaxy', 'garden',
  'giant', 'ginger', 'glacier', 'globe', 'goblet', 'goose', 'gorilla', 'grape', 'guitar', 'gull', 'hammer',
  'harbor', 'hazel', 'helmet', 'heron', 'honey', 'hornet', 'hotel', 'husky', 'igloo', 'iguana', 'indigo',
  'island', 'ivory', 'jacket', 'jaguar', 'jasmine', 'jelly', 'jigsaw', 'jungle', 'kayak', 'kettle', 'kidney',
  'kitten', 'koala', 'ladder', 'lagoon', 'lantern', 'laser', 'lemon', 'leopard', 'lettuce', 'library',
  'lily', 'lizard', 'lobster', 'locket', 'lotus', 'lumber', 'magnet', 'mango', 'maple', 'marble', 'meadow',
  'melon', 'meteor', 'mitten', 'monkey', 'moose', 'muffin', 'napkin', 'nectar', 'needle', 'nest', 'nickel',
  'noodle', 'oak', 'oasis', 'ocean', 'octopus', 'olive', 'onion', 'opal', 'orbit', 'orchid', 'otter', 'owl',
  'oyster', 'paddle', 'palace', 'panda', 'parrot', 'peanut', 'pebble', 'pelican', 'pepper', 'piano',
  'pickle', 'pigeon', 'pillow', 'pirate', 'planet', 'plum', 'pocket', 'poppy', 'potato', 'prism', 'puffin',
  'pumpkin', 'puzzle', 'quail', 'quilt', 'rabbit', 'radio', 'raft', 'rainbow', 'raven', 'ribbon', 'robot',
  'rocket', 'rooster', 'ruby', 'saddle', 'salmon', 'sandal', 'scarf', 'seal', 'shovel', 'silver', 'skunk',
  'sled', 'snail', 'sofa', 'spider', 'spoon', 'squid', 'statue', 'stove', 'sugar', 'summit', 'swan',
  'tablet', 'tango', 'teapot', 'tiger', 'toast', 'tomato', 'tulip', 'turtle', 'valley', 'velvet', 'violin',
  'volcano', 'waffle', 'wagon', 'walnut', 'whale', 'whistle', 'willow', 'window', 'wizard', 'wombat',
  'yacht', 'yak', 'yogurt', 'zebra', 'zigzag', 'zipper',
];
