/**
 * Real English words one key-slip away from a word the spelling stage corrects towards ("cooking" is one slip
 * from "choking"): these are read as written, never corrected. Generated from the word list of the
 * an-array-of-english-words package (a devDependency); test/agent/safety/spelling.test.ts fails, naming the
 * words to add, when a new lexicon word has neighbours missing here.
 */
const WORDS = `
aahing ablate ablet ablets achings acing acting aflutter ahing ailing aking alarums altitude ambulances
anaphylaxes anaphylaxies anywheres arching arcing arctics areading argent artic ascared ashed ashing aspiring
aspirins assaulter asudden attach attask babbled babbling baching backet backout badging bagged bagging
bailer bailing baking balking balled balling balti baltis banding baning banking banning banting barfly
barging baring barley barned barning basely beader beading bearing beater beath beathing becked beefed
beefing beepers beeted beeting beezer befuddle befuddles bellowing bemuddled besped bevels billed billing
billowings binger bingers binging bingles bingling bister bistered bisters bitting blackouts blading blahing
blames blaming blarting blaster blasters blawing blaze blazing blearing bleedings bleeds bleep bleeped
bleeper bleeping blees blending blipped blipping blistery blitter blitters blooded blooding bluefish blurbed
blurring blurted blush bluster blustered blustering blusters boaked bobbed bobbing bobbled bobbling bobbly
boiled boilers boilery bolling bonging booker bopped bounded bounding bouses bowler bracing braised brazed
breach breaching breading breadth breastbones breathed breather breathes breathings breaths breathy breeding
breezing brightened broiler broked broker brokes brooked browsy bruise bruiser bruises bruited brushed
brushing brusting bubble bubbler bubbles buddled buffer bugged bugled buisting bumble bumbled bumbling
bumping bunging bungled burbled burbling burglary burgle burgles burgling buried burked burking burled
burling burner burnet burnings burped burping burred burring burry burying bushing busting cabled cablet
cablets caching cackle cackles cackling caking calced calked calking callee caller callet callid calling
calmed calved camped camping capsuled cared cashed caving celled censor chacked chaired chally chammy champed
champing chaptering chared charged charked charmed charted chartering chatterings cheater cheats cherts chess
chesty chicly childly chill chilli chills chimley chimneys chipping chirking chirling chirming chirred
chirring chirting chittering chocked chocking choker chokes chokey chooked chooking chored choring chouses
chowed chowing chumping churred clacked clames clammed clamper clamping clapped clashing clasped clattering
cleeping cleeps clipped clipping cloked cloking clomped cloning closings cloying clumped clutter cluttering
cobbed cobbing cocker cockets codein codeina codeines codeins coiler coked coking collapses colled colling
confuse confuses confusions confuted conker constructed contused contusion cooer cooked cookers cookery
cookey cooking cooler cooper coordinate coordinated cooser cooter copped corker cosing couring couths cracker
cracket cracking crackled cracklings crackly craked craking cramming cramped cranked crankle crankles
crankling craped craping crapped crapping crashing crazed creaming creasing creating creeling crests cribble
cribbling cricked crimping cringing croaked croaking crocked crooker crooled crooling crooned cropped
cropping crowbars cruised crumping crusher crushes crusted crusting cudden cuddled culled dagged dagging
dained daining daled danging dashed deader deading dearing deaving decked dedication dedications deeper
defector defectors detecter detecters devels diabetics dialer diallel dialler diazepams dibble dibbling
dicked difficultly digoxins dilled dilling dinger dingers dinging dingles dioxin dipped direction dirled
discomforts disorientate disorientates ditting ditziness doable dobbed dobbing dockets dolling dopped dopping
dosages dotage doubler doubles doublet doubly doubted douses downstair drabble drabbling drapped drapping
dreader dreading drencher drenches dribbing dribbled dribbler dribbles dribblet dribbly dripped dripping
droiling drolling droobs droogs drooked drooking drooks drooled drools drooly dropper droppings drops dropsy
drossy drows drowse dualled duffer duking dumbness dumping durned durning dushing dwelled dwelling earing
eater eching eclosing eight elephants emergence emergences eradiating estopped estrange estranger estrangers
etching etranger etrangers euking everwhere eyeliad eyelids eyesights fabling facing fagged fagging failing
fained faining fainter faintings faking faller fallings falsing fames fanging fashed fashing fatling fatting
fearing feater fecked feering feezing feinted feinting felled felling fentanyls fetching fetting fiating
filed filing fille filler filles fillet fillings filmed filming finder finders fineer fineers finer finers
fingertip finner finners fisting fittings fizziness flakes flambes flamed flamen flamens flamer flamers
flamms flams flanes flapping flappy flares flaring flashings flatter flattering flaxes flemes fleshing
flimping flinger flingers flinted flinting flipped flipping flippy flitter flittering flitting flooder
floodings floored flooring fluish flumes flumped flurred flurring flurry flushing fluster flustering fluter
flutier flutters fluttery fobbed fobbing footstep fopped foreheads foreread forkhead founded founding fouths
fracture fracturer fractures frames frapped freaking freeing freestyled freestyler freestyles freezings
frenched fribble fribbling friezing frightener frilled frilling fringing fritting froren frowsy froze frushed
frushing fuddled fugged fulled fulling fumble fumbled furosemides fuseless gabbled gabled gablet gablets
gagged gagging gained gainful gaining galled galling gallooned gallowing galoping gambled ganging gaping
gapping garbed garble garbler garbles gargled gargling gasher gashes gashing gasking gasped gaspings gassed
gasted gasting gauping gawping gazed gearing gecked geyer geysers gilled gilling ginger gingers gingles
gipped gipping gitting glammy glaring glazed glister glistered glistering glisters gloppy glucoses gluish
glycose gnashed gobbed gobbing golloping graced gracing grackle grackles graded graped grasping grated graved
grayed graze grazer grazes gribble griped griping grippe gripped gripper grippes gripping growler growling
guddled guggling gumping gurging gurgled gurling gurned gurning gushed gusting hading haeing hagged hagging
hailing hained haining haling halling halving haming hammerings hampering handfuls handsful hanging hardily
hardy haring hashed hasping hater hating hattering hauses havings hawing haying hazing headaches headachey
headachy header headily headiness heading headring healer healing heaper heaping hearer hearings hearsing
heartbeats hearting heated heather heaver heaving heavings heeled heeling heeze heezes heezing hefter height
heiring helving herring hests hilled hilling hilly hinger hingers hinging hipped hivers hiving hoaring hobbed
hobbing hocuses hoises hoked hoking homebody honed hooker hopped hoppled horses hoses hosses hounded hounding
housebreakers housed housel housels houser housers housey hoving hudden huddled huffer hugged humble humbled
humping hunting hurling hurtling hushing hutting hyping hypoglycaemias hypoglycemias hypoglycemics
hypothermias hypothermic hypping ibuprofens iching inconscious indulin infected ingles inhale inhaled inhales
inhauler inhaulers injections insection insulins intrude intruded intrudes inulin invected irregulars jacket
jagged jagging jailing jeeled jeeling jeeped jeeping jeering jemmier jemmies jimmied jingles jingling jingly
jitter jitters jobbed jobbing jolling jugged juking jumble jumbler jumbles jumpings kecked keeked keeler
keeling keened keeper keight ketching kevels kinded kinging kingles kingling kingly kipped kipping kitting
klister klisters kneeled knowing lacing lagged lagging laking lalled lalling lames lammy lamped larking
lashed lashing latitudes laving leader leading learing leeped leeping leeps leering lemels letching levees
levers leves licked lightening lightness lilled lilling limeless lineless linger lingers lingles lipped
lipping lirking lister listers lithiums littery lobated lobation lobbed lobbing locate locater locates
locations lockets locution longitudes looker lopped loppy losing lounded lounding louring louses lucking
lugged lulling lumped lumping luring lurkings lurry lushing lusking macing magged magging mailing mained
maining malled malling mammering manging marbled mashed mearing meddled mediation mediations medicide
medicides medicined mediciner mediciners meditation meditations meering mells metformins metrified middled
migraines milled milling minded minger mingers minging mingles mingling misoriented mobbed mobbing mogged
moiler monitors monitory monoxides mopped morphin morphines morphing morphins mounded mounding mouses mouths
mudded muddied muddler muddles mudged muggee mugger mumble mumbled mumping munged mushing nacket nagged
nagging nailing nauseas nearing neater nebulise nebulised nebulisers nebulises nebulize nebulized nebulizers
nebulizes necker neighborhoods neighbourhoods nevels niched nickel nicker nickled nilled nilling nipped
nocked nockets noeses noised nooses noses nosies nouses nubbled nubbling nuking oaked occidentally oiler
outride outsider outsides outsize overdoes overdone overdoses pacing packer packets paiked paiking pailful
painted paired pairing palled palling palpitation paned panful panging panick panicks paning panned panning
papped paracetamols paralyse paralyser paralyses paralyze paralyzer paralyzes paramedico paramedicos parks
pashed passibly patined patining paving pawned pawning peaking pecked peculia peculiars peeled peeped peeper
peeping peined peining peopled peopler peoples pepped petrifier petrifies pheeze pheezes pheezing phoner
phones phoney phonied picket piking pilled pilling pillowing pimping pined pinger pingers pinging pingles
pingling pining pinny pioned pipped pitting placket plained plainful plaining plashing platitude plopped
plumped plumping plurry pocket pockets poinding poises poisonings poking policed policer polices policy
polite polling ponding pooped popper poppet poppied poppled poring possible postcoded postcodes poufing
pouking pouncing pounded poundings pouped pouping pourings pouting pownding powring poysoning preassure
prescriptions pressured pressures pribble prisoning proler proling proller prolling propped propping
proscription prouler prouling prower prowled prowlers prowlings pucking pudden puddled puffers puffery
puffier pugged puling pulping pumping pumpings pumpking pupped pupping purfle puring purpie purpled purpler
purples purply pushing quavery queazy quicky quiver quivers racings racino racked racket racking rackle
radicating ragged ragging raging rahing railing rained raining raking ramping rancing ranging raping rapped
rarely raring rashed rasing rasping ratching rating raving rawing raxing raying razed razing reaching
readding readers readier readings readying reaking realer reamer reaming reaper reaping rearer rearing reaver
reaving recked redder redding reding reeching reeder reeding reedling reefing reeking reeled reelings reeving
rembles rembling render rending repped reveling revels revere ribbed ribbing ricing ricked ridging rigging
rightened rightening rightness rilled rilling rinded rinding ringers ringings rinking rinning rinsing riped
ripped ripper ripping rippled risped ritting roading robber robbin robbins robed robing rockets rolling
rooked rooped rooping roops roopy rosette rouble rounded rounding rouses rouths rubbed rubbing rubbled
rubbling ruddled rugged rumble rumbled rumping rushed rushing sabbed sabbing sacred sadden sagger saggering
saggings sailing sained saining sainted sainting saintish sallowed sared sarking sarks sashed satin satins
saving scabbed scabbing scagged scagging scalder scaldings scaldini scaldino scaled scaling scalled scalped
scalping scaped scare scarer scares scarey scarfed scarped scarred scarted scauded scauding scaured scolded
scolding scooping scored scowing scrape scraper scrapes scrapped scrawped screaking screet screets screiching
scrieching scurred scurring scurry seared searing seater seating seats seeled seeling seeped seeping seepy
segars seisor seisure seisures selling sells senhor senior senor sensors sensory sentence sentenced sentencer
sentencers sentiences sever severed severer severs severy shacking shading shagged shagging shaked shaken
shaker shakings shaley shaling shallowed shaming shanking shaping shared sharing sharking sharks shavers
shaving shawing shearing sheaving sheepy shelled shelling shells shiers shimmy shiners shinny shipped
shipping shitting shiver shiverings shivers shives shlumped shopped shoulders shouses shovers showing
shreeking shreiking shriekings shrieving shriking shrinking shrivers sicked sinded singers singles singling
singly sipped sipping sivers skells skepping skimping skinny skipped skippings skivering skivers skurry
slabbed slabbing slagged slagging slaked slaking slapped slapping slashing slaying sleech sleeky sleepry
sleeps sleety sleezy slice slicer slices slicked slided slimed sliped sliping slipper slitting slived
slivering slivers slopped slopping sloppy slowing sluiced slummed slurped slurping slurpy slurried slurry
slurrying smalls smeech smelled smelly smelts smitting smoked smoker smokes smoulder smugged smurred smurring
smurry snagged snagging snaked snakey snaking snared snarks snawing sneaking snecked snelled snelling snells
snicked snipped snipping snoking snooding snooking snooling snooting snoozing snowking snuffy soaken soaker
soaking soaped soared sobbed sobbing socked socket sodden soddenly sogged sogging someones sooked sooping
sopped sorehead souked sounder soundings souring souses souths sowing sownded sownding spagged spagging
spained spaining spanking spanks spared spares sparging sparing spark sparke sparkes sparkling sparky
sparling sparring spars sparts spatting spaying speakings speaning spearing speats specking spelled spells
spetch spetting spiced spinney spiny spirting spiting spittings spliced splitting sporks sporting spotting
spreadings spreazing spredding spurling spurning spurred spurring spurry squeaking squealings squeezer
squeezes squeezings squeezy stabber stabbings stabled stabling stagged staggerings stagging stain stains
staked staking stalking stapped stared starking starks static statics statim stating stations staying steepy
stelled stelling stells stepped sternums stiffy stivers stobbed stobbing stoke stokes stollen stomped stooped
stooping stoped stopper stoppled stotin stotins stounded stounding stowing straggling strained strake strakes
stramped strander stranders strang stranges strangle strangler stranglers strapped strapper straunge
streaming streek streeks streel streels streety strike strikes stringer stringers stripped stripping strobe
strobes strode stroken stroker strokers stronger strooke strookes stropped strove strugglings stubbed
stubbing studden stuffs stumble stumbled stumped sturting suckets suddens suddenty sudder suffer suffocatings
sugans sugary sugged sugging suicided suicides sungars surgent surrounding swabbed swabbing swagged
swaggering swagging swaging swaling swallower swats swayings swayling swealed swealing sweals swearing swears
sweary sweatings sweats sweeled sweeling sweepy sweeting sweets sweety sweller swellings swells swelted
swelting swelts sweying swilled swilling swooping swopped swounded swounding tabbed tabbing tabled tables
tabret tabrets tacket tacking taeing tagged tagging tainted tainting takin takings takins talcing talcking
talkings tallet tallets taming tanging tangles tangling tangly tanking taping tapped taring tashed tasking
taslet taslets tawing taxing tearing teering tensor terribles terrifier terrifies threat throats throaty
throbbings thumbing thunderclaps ticked tilled tilling tinded tingeing tinges tinging tingle tingled tingler
tinglers tinglings tinily tinkles tinkling tinkly tipped tipping tippled titting togue toiler toises toking
tolling tongued tongues topped topple topples torrified touring touses tracing tracked tramped tramping
traped trapper trapping treader treading trebles trebling trebly tremble trembled trembler tremblers
tremblings trenched trespassed trespasses tressure tribble tringles tripled tripling tripper trippet
trippings trippled trippling troat troke trokes trooped trooping troops troubled troubler troubles troule
trumping tsking tugged tumbler tumbles tumping turgent turgently tushing twilted twister twitted ugged umble
umping unbearably unbeatable ungently untearable unwearable upstair upstirs urent urned urning vagged vagging
vailing veerings vertigos vialed vialled vices virion visions vison vocation voces voiced voicer voicers
voiles vomiter vomitings wabbly wagged wagging waifing wailings wained waining wairing waiving waling walled
walling walloping wallowed warbled warfaring warfarins warling washed wauling waving wawling waying wearing
weaving weeper weeping weigh weighs weights weighty welled welling wended wheeling wheely wheeping wheezed
wheezer wheezers wheezings wheezle wheezles wheezling whiling whilly whimpering whisperings whumping wicked
wifeless wight wilded wiling willed willing willowing winced winder windled wined winged winger wingers
winging winked winned wisted witting wobble wopped wounded wounding wracked wrapped wreaking wreath wreathe
wreathing wreathless wrenched wright wringing wroken yammering yarely yeading yipped youth youthy yuking
yumping zagged zagging zinger zingers zinging zipped
`;

/** The real words never corrected by the spelling stage. */
export const REAL_WORD_NEIGHBOURS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));
