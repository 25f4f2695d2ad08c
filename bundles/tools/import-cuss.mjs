// Writes the default bundle's profanity and slur lexicons from the `cuss`
// word list (npm cuss, MIT licence, Titus Wormer), keeping the words it
// rates 2 ("likely profane"). cuss is American and broad, so words that
// are ordinary in British public-sector posts are left out (EXCLUDE), and
// slurs against protected groups go to their own lexicon (SLURS) for the
// discrimination rule.
//
// Run: npm ci && npm run import-cuss   (from bundles/tools)
//
// Neither list inflects: cuss already lists the forms it means, and
// inflecting a thousand words makes real ones (shat, shatter). Slurs are
// not matched in masked form: p****s could be many words.
import {cuss} from 'cuss'
import {readFileSync} from 'node:fs'

const version = JSON.parse(readFileSync(new URL('./node_modules/cuss/package.json', import.meta.url))).version

// Ordinary words, names, fruit, fish and puppets in British English, or
// words that are only profane in American usage.
const EXCLUDE = new Set(`
barf beanbag beanbags bogan bong booty bule bules bung bunga bungas carruth chav cheesehead cheeseheads
chug chugs chunkies chunky chunkys clamdigger clamdiver cocky commie cum cumquat cushi cushis dahmer
diddle dink dinks dipstick dix dope dragqueen dragqween dumb eight_ball eight_balls ero evl fatah floo
flange footstar forni fu gables gangsta geez geezer geni gipp gipps gora goras gubs gummer hillbillies
hillbilly ho hobo hoes honkers hooters hork idiot indon indons jig jigs jigger jiggers jiggy juggalo
kimchis kum kumquat kums kwa lebo lebos limey limy looser loser lowlife magicwand mams moron muncher
niggard niggarded niggarding niggardliness niggardlinesss niggards niggle niggled niggles niggling
nigglings nip noonan nudger orga pansies pansy payo piker pimp pimped poo poop pooper pooperscooper
pooping pollock pollocks pom pommie pommies pommy poms pommie_grant pommie_grants pud puke puss quickie
redleg redlegs reefer rere sadis sadom sandm scallywag sissy slave slavedriver sooties sooty spit
spitter stringer stupid sucker swallower swalow taff tang teste thirdeye tinker tinkers tortur
transvestite triplex tuckahoe twink twinkie uck usama vibr vomit wab waysted weenie welcher welfare
whacker whash whiz whop willie wn wuss yank yanks gypsies gypsy gypsys spunky kacap kacapas kacaps
`.trim().split(/\s+/))

// Slurs against people for their race, nationality, religion, sexual
// orientation, gender identity or disability.
const SLURS = new Set(`
abeed africoon alligator_bait alligatorbait arabush arabushs argie armo armos arse_bandit batty_boy
beaner beaners beaney beaneys bluegum bluegums boang boche boches bohunk boong boonga boongas boongs
bootlip bootlips bosche bosches boschs buddhahead buddhaheads bufter bufty bulldike bulldyke bum_boy
bum_chum bum_robber burr_head burr_heads burrhead burrheads butchdike butchdyke camel_jockey camel_jockeys
cameljockey carpetmuncher chi_chi_man china_swede china_swedes chinaman chinamen chinaswede chinaswedes
ching_chong ching_chongs chingchong chingchongs chink chinks chinky christ_killer christ_killers
cohee coolie coolies cooly coon coon_ass coon_asses coonass coonasses coondog coons cracka
curry_muncher curry_munchers currymuncher currymunchers dago dagos darkey darkeys darkie darkies darky
datnigga dego degos diaper_head diaper_heads diaperhead diaperheads dot_head dot_heads dothead dotheads
dune_coon dune_coons dyefly esqua fagging faggot fagot fudge_packer fudgepacker gook gook_eye gook_eyes
gookeye gookeyes gookies gooks gooky golliwog golliwogs greaseball greaseballs gringo gringos groid groids
gubba gubbas gwailo gwailos gweilo gweilos gyp gyped gypo gypos gypp gypped gyppie gyppies gyppo gyppos
gyppy gyppys hadji hadjis hairyback hairybacks haji hajis hajji hajjis half_breed half_caste halfbreed
halfcaste haole haoles hebe hebes heeb heebs hindoo hitlerism hitlerist homo honkey honkeys honkie honkies
honky hymie hymies ikeymo ikeymos injun injuns jap japie japies japs jewboy jewed jigaboo jigaboos
jigarooni jigaroonis jigg jigga jiggabo jiggabos jiggas jiggs jijjiboo jijjiboos jungle_bunnies
jungle_bunny junglebunny kaffer kaffir kaffre kafir kanake katsap katsaps khokhol khokhols kigger kike
kikes kkk klansman klansmen klanswoman klanswomen koon krauts kuffar kyke kykes lesbain lesbayn lesbin
lesbo lez lezbe lezbo lezz lezzo lubra macaca macacas mau_mau mau_maus maumau_maumaus mgger mggor
mockey mockie mocky moky moon_cricket moon_crickets mooncricket mooncrickets moskal moskals moslem mulatto
munt mzungu mzungus negres negress negro negroes negroid negros nig nigar nigars nigers nigette nigettes
nigg nigga niggah niggahs niggar niggaracci niggars niggas niggaz nigger niggerhead niggerhole niggers
niggor niggress niggresses nigguh nigguhs niggur niggurs niglet nignog nigor nigors nigr nigra nigras
nigre nigres nigress nigs nlgger nlggor paki pakis palesimian pancake_face pancake_faces peckerwood
picaninny piccaninny pickaninnies pickaninny piefke piefkes pikey piky pillow_biter pocha pochas pocho
pochos pohm pohms polack polacks poof poofta poofter porch_monkey porch_monkies porchmonkey
poorwhitetrash prairie_nigger prairie_niggers quashie raghead ragheads redneck rednecks redskin redskins
reestie retard retarded round_eyes roundeye russki russkie sambo sambos sand_nigger sand_niggers
sandnigger schvartse schvartsen schwartze schwartzen seppo seppos sheeney shiksa shylock shylocks
skwa skwe slanteye slanty slopehead slopeheads sloper slopers slopey slopeys slopies slopy snowback
snownigger spaghettibender spaghettinigger spearchucker spearchuckers spic spick spicks spics spig
spigotty spik squa squarehead squareheads squaw squinty swamp_guinea swamp_guineas tacohead tacoheads
tar_babies tar_baby tarbaby tard thicklip thicklips timber_nigger timber_niggers timbernigger towel_head
towel_heads towelhead trailertrash trannie tranny ukrop uncle_tom wetb wetback wetbacks whigger whiggers
white_trash whitenigger whitetrash whitey whiteys whities wigga wiggas wigger wiggers wog wogs wop
xkwe yarpie yarpies yellowman yid yids zigabo zigabos zipperhead zipperheads
`.trim().split(/\s+/))

// In the lists above, _ joins the words of a phrase.
const inSet = (set, term) => set.has(term.replaceAll(' ', '_'))

const profane = []
const slurs = []
for (const [term, rating] of Object.entries(cuss)) {
  if (rating !== 2) continue
  if (inSet(EXCLUDE, term)) continue
  if (inSet(SLURS, term)) slurs.push(term)
  else profane.push(term)
}

const list = terms => terms.sort().map(t => `      - ${JSON.stringify(t)}`).join('\n')
process.stdout.write(`# Generated by bundles/tools/import-cuss.mjs from the npm package cuss@${version}
# (MIT licence, (c) Titus Wormer, https://github.com/words/cuss): the words
# it rates 2, "likely profane", less British everyday words. Do not edit by
# hand: change the script and run \`npm run import-cuss\` in bundles/tools.
lexicons:
  - name: profanity
    source: cuss ${version} (MIT), words rated 2, curated for British English
    obfuscated: true
    terms:
${list(profane)}
  - name: slurs
    source: cuss ${version} (MIT), slurs against protected groups
    terms:
${list(slurs)}
`)
